from .activation import ActivationCode
from .collectivites import Collectivite, Mandate
from .email_change import EmailChange
from .identity import IdentityDocument, IdentityDocumentAccess
from .user import User

__all__ = [
    "ActivationCode",
    "Collectivite",
    "EmailChange",
    "IdentityDocument",
    "IdentityDocumentAccess",
    "Mandate",
    "User",
]
