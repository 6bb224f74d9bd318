"""Why a dossier transition was refused: one exception per reason, each with the French message the élu or
the staff member reads."""

from django.utils import formats


class EnrolmentError(Exception):
    """Base class: `str(error)` is a complete French sentence fit to show to the user."""

    message = "Cette action n'est pas possible."

    def __init__(self, message=None):
        self.message = message or self.message
        super().__init__(self.message)


class TransitionNotAllowed(EnrolmentError):
    def __init__(self, dossier, action):
        super().__init__(f"Impossible de {action} : le dossier est à l'état « {dossier.get_state_display()} ».")


class RegistrationClosed(EnrolmentError):
    def __init__(self, last_day):
        self.last_day = last_day
        super().__init__(
            "Les inscriptions à cette session sont closes : la demande devait être envoyée au plus tard le "
            f"{formats.date_format(last_day, 'l j F Y')}."
        )


class IdentityNotVerified(EnrolmentError):
    message = (
        "Votre identité doit être vérifiée avant l'envoi du dossier : connectez-vous avec FranceConnect "
        "ou envoyez une copie de votre pièce d'identité."
    )


class IdentityDocumentPending(EnrolmentError):
    message = "Votre pièce d'identité est déjà en cours de vérification par l'équipe. Vous recevrez un e-mail."


class IdentityDocumentAlreadyReviewed(EnrolmentError):
    message = "Cette pièce d'identité a déjà été vérifiée."


class IncompleteDossier(EnrolmentError):
    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__("Votre dossier est incomplet : " + ", ".join(self.missing) + ".")


class SessionNotOpen(EnrolmentError):
    message = "Cette session n'accepte pas d'inscription (elle a été annulée ou n'est pas publiée)."


class SessionStarted(EnrolmentError):
    message = "La session a déjà commencé : la demande ne peut plus être annulée en ligne. Contactez l'équipe."


class SessionNotStarted(EnrolmentError):
    message = "La présence ne peut être notée qu'à partir du premier jour de la session."


class SessionFull(EnrolmentError):
    message = "Toutes les places de cette session sont prises."


class OfferExpired(EnrolmentError):
    message = "Le délai pour confirmer la place proposée est dépassé."


class ReasonRequired(EnrolmentError):
    message = "Indiquez le motif : il est communiqué à l'élu."


class NotAllowed(EnrolmentError):
    message = "Vous n'avez pas le droit d'effectuer cette action sur ce dossier."


class Busy(EnrolmentError):
    message = "Beaucoup de demandes arrivent en même temps pour cette session : réessayez dans quelques instants."
