from .collectivites import Collectivite, Mandate
from .identity import IdentityDocument, IdentityDocumentAccess
from .user import User

__all__ = ["Collectivite", "IdentityDocument", "IdentityDocumentAccess", "Mandate", "User"]
