from .activation import ActivationCode
from .collectivites import Collectivite, Mandate
from .identity import IdentityDocument, IdentityDocumentAccess
from .user import User

__all__ = ["ActivationCode", "Collectivite", "IdentityDocument", "IdentityDocumentAccess", "Mandate", "User"]
