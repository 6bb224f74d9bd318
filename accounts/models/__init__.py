from .activation import ActivationCode
from .collectivites import Collectivite, Mandate
from .identity import IdentityDocument
from .user import User

__all__ = ["ActivationCode", "Collectivite", "IdentityDocument", "Mandate", "User"]
