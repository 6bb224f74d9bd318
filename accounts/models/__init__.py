from .collectivites import Collectivite, Mandate
from .identity import IdentityDocument
from .user import User

__all__ = ["Collectivite", "IdentityDocument", "Mandate", "User"]
