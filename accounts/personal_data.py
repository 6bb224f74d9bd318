"""What the portal holds about an élu, as a JSON-ready dict ("Télécharger mes données", GDPR art. 15 and 20)."""

from django.utils import timezone

from accounts.forms.person import ADDRESS_FIELDS, CONTACT_FIELDS, IDENTITY_FIELDS


def _value(value):
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _fields(obj, names):
    return {name: _value(getattr(obj, name)) for name in names}


def export(user):
    """Every piece of personal data about `user`, grouped as in "Mon profil". A fixed number of queries."""
    mandates = user.mandates.select_related("collectivite").order_by("start_date", "pk")
    dossiers = (
        user.dossiers.select_related("session__training", "satisfaction_receipt")
        .prefetch_related("logs")
        .order_by("created_at")
    )
    documents = user.identity_documents.order_by("uploaded_at")
    return {
        "export": {"portail": "Portail DIFE", "genere_le": timezone.now().isoformat()},
        "compte": _fields(user, ["email", "email_confirmed_at", "date_joined", "last_login", "cgu_accepted_at"]),
        "identite": _fields(user, [*IDENTITY_FIELDS, "nationality", "gender"]),
        "verification_identite": {
            "methode": user.get_identity_method_display() if user.identity_method else None,
            "verifiee_le": _value(user.identity_verified_at),
            "franceconnect": bool(user.franceconnect_sub),
        },
        "contact": _fields(user, CONTACT_FIELDS),
        "adresse": _fields(user, ADDRESS_FIELDS),
        "droits_formation": _fields(
            user, ["dife_balance", "dife_balance_date", "dife_account_missing", "cpf_balance", "cpf_balance_date"]
        ),
        "mandats": [
            {
                "collectivite": m.collectivite.name,
                "code": m.collectivite.code,
                "fonction": m.get_function_display(),
                "debut": _value(m.start_date),
                "fin": _value(m.end_date),
            }
            for m in mandates
        ],
        "dossiers": [
            {
                "formation": d.session.training.title,
                "session": _value(d.session.starts_at),
                "etat": d.get_state_display(),
                "cree_le": _value(d.created_at),
                "envoye_le": _value(d.submitted_at),
                "message": d.elu_comment,
                # Only the day: the answers themselves are anonymous and not linked to the élu.
                "questionnaire_de_satisfaction_repondu_le": _value(
                    getattr(getattr(d, "satisfaction_receipt", None), "answered_on", None)
                ),
                "historique": [
                    {"le": _value(log.at), "etat": log.get_to_state_display(), "note": log.note} for log in d.logs.all()
                ],
            }
            for d in dossiers
        ],
        "pieces_identite": [
            {
                "piece": doc.get_kind_display(),
                "statut": doc.get_status_display(),
                "envoyee_le": _value(doc.uploaded_at),
                "verifiee_le": _value(doc.reviewed_at),
                "fichiers_supprimes_le": _value(doc.files_deleted_at),
            }
            for doc in documents
        ],
    }
