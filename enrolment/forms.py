import datetime

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import RegexValidator
from django.utils import timezone

from accounts.models import IdentityDocument

from . import funding_rules
from .identity_files import ACCEPT_ATTRIBUTE, check_identity_file, human_size
from .models import Dossier
from .services import EDITABLE_FIELDS

postal_code_validator = RegexValidator(r"^\d{5}$", "Le code postal compte 5 chiffres, par exemple 37000.")


def normalise_phone(value):
    """A French (or international) phone number in its usual written form; raises a French error."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError("Ce numéro de téléphone n'est pas valide. Exemple : 06 12 34 56 78.", code="phone")
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class MandateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mandate):
        return f"{mandate.get_function_display()} — {mandate.collectivite.name}"


class DossierInformationForm(forms.ModelForm):
    """What the AMIL needs, pre-filled from the account: the élu completes, modifies or deletes it."""

    class Meta:
        model = Dossier
        fields = EDITABLE_FIELDS
        labels = {
            "usage_name": "Nom d'usage ou marital (facultatif)",
            "nationality": "Nationalité (facultatif)",
            "contact_email": "Adresse mail",
            "phone_mobile": "Téléphone mobile",
            "phone_landline": "Téléphone fixe",
            "street_address": "Adresse (numéro et voie)",
            "postal_code": "Code postal",
            "city": "Commune",
            "mandate": "Votre mandat",
            "mandate_label": "Votre mandat (fonction et collectivité)",
            "elu_comment": "Message pour l'équipe (facultatif)",
        }
        help_texts = {
            "phone_mobile": "Indiquez au moins un numéro de téléphone, mobile ou fixe.",
            "mandate_label": "Par exemple : Adjoint au maire — Commune de Loches.",
            "elu_comment": "Un besoin particulier (accessibilité, repas…) ou une question.",
        }
        widgets = {
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone_mobile": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "phone_landline": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "elu_comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mandates = user.mandates.select_related("collectivite")
        self.has_mandates = mandates.exists()
        for name in ("contact_email", "street_address", "postal_code", "city"):
            self.fields[name].required = True
        self.fields["postal_code"].validators.append(postal_code_validator)
        if self.has_mandates:
            self.fields["mandate"] = MandateChoiceField(
                queryset=mandates,
                label=self._meta.labels["mandate"],
                empty_label="Choisissez le mandat pour cette formation",
            )
            del self.fields["mandate_label"]
        else:
            del self.fields["mandate"]
            self.fields["mandate_label"].required = True

    def clean_phone_mobile(self):
        return normalise_phone(self.cleaned_data.get("phone_mobile", "").strip())

    def clean_phone_landline(self):
        return normalise_phone(self.cleaned_data.get("phone_landline", "").strip())

    def clean(self):
        cleaned = super().clean()
        if (
            "phone_mobile" not in self.errors
            and "phone_landline" not in self.errors
            and not (cleaned.get("phone_mobile") or cleaned.get("phone_landline"))
        ):
            self.add_error("phone_mobile", "Indiquez au moins un numéro de téléphone, mobile ou fixe.")
        return cleaned


class IdentityFileField(forms.FileField):
    """A file checked by content (see identity_files); cleaned to the image the portal re-encoded from it, with
    an `extension` attribute ("jpg" or "png")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_empty_file", False)
        super().__init__(**kwargs)
        self.widget = forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE})
        self.error_messages["required"] = "Choisissez un fichier."

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        drawn = check_identity_file(uploaded)
        cleaned = ContentFile(drawn.content, name=f"piece.{drawn.extension}")
        cleaned.extension = drawn.extension
        cleaned.sent_name = uploaded.name  # what the élu chose, to name it back to them
        return cleaned


class IdentityDocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Votre pièce d'identité",
        choices=IdentityDocument.Kind.choices,
        widget=forms.RadioSelect,
        initial=IdentityDocument.Kind.CNI,
    )
    front = IdentityFileField(label="Recto de la carte d'identité, ou page du passeport avec la photo")
    back = IdentityFileField(
        label="Verso de la carte d'identité",
        required=False,
        help_text="Obligatoire pour une carte d'identité. Inutile pour un passeport.",
    )
    birth_name = forms.CharField(label="Nom de naissance", max_length=150)
    usage_name = forms.CharField(label="Nom d'usage ou marital (facultatif)", max_length=150, required=False)
    first_names = forms.CharField(label="Prénoms", max_length=200, help_text="Tous vos prénoms, dans l'ordre.")
    birth_date = forms.DateField(
        label="Date de naissance",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text="Au format jj/mm/aaaa si votre navigateur ne propose pas de calendrier.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    birth_place = forms.CharField(label="Lieu de naissance (commune, et pays si hors de France)", max_length=150)
    nationality = forms.CharField(label="Nationalité", max_length=100)
    certify = forms.BooleanField(
        label="Je confirme que ces informations sont celles inscrites sur ma pièce d'identité.",
        error_messages={"required": "Cochez cette case pour confirmer vos informations."},
    )

    IDENTITY_FIELDS = ["birth_name", "usage_name", "first_names", "birth_date", "birth_place", "nationality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_size = human_size(settings.IDENTITY_DOCUMENT_MAX_BYTES)
        self.fields["front"].help_text = f"Photo, copie ou scan : JPEG, PNG ou PDF, {self.max_size} au maximum."

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate() or value < datetime.date(1900, 1, 1):
            raise ValidationError("Cette date de naissance n'est pas plausible : vérifiez-la.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == IdentityDocument.Kind.CNI:
            if not cleaned.get("back") and "back" not in self.errors:
                self.add_error("back", "Pour une carte d'identité, envoyez aussi le verso.")
        else:
            cleaned["back"] = None
        return cleaned

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self._errors:
            return
        # A browser never keeps a chosen file after the page comes back with an error, and the portal does not
        # keep identity files of a refused form: say so next to each accepted file, so that none is forgotten.
        for name in ("front", "back"):
            uploaded = self.cleaned_data.get(name)
            if uploaded and name not in self._errors:
                sent_name = getattr(uploaded, "sent_name", uploaded.name)
                self.add_error(
                    name,
                    f"Votre fichier « {sent_name} » était valide, mais il n'a pas pu être gardé à cause de "
                    "l'erreur ailleurs dans le formulaire : sélectionnez-le à nouveau.",
                )

    @property
    def identity(self):
        return {name: self.cleaned_data[name] for name in self.IDENTITY_FIELDS}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif (facultatif)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il aide l'équipe à proposer votre place à une autre personne.",
    )


class StaffReasonForm(forms.Form):
    """Used by the admin actions that need a reason the élu will read."""

    reason = forms.CharField(
        label="Motif (communiqué à l'élu)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif : il est communiqué à l'élu."},
    )


class McfNumberForm(forms.Form):
    """The number of the élu's dossier on Mon Compte Formation, typed back into the portal."""

    mcf_number = forms.CharField(
        label="Numéro de votre dossier sur Mon Compte Formation",
        max_length=40,
        help_text=(
            "Il figure en haut de votre dossier sur Mon Compte Formation, après « Dossier n° » : "
            f"{funding_rules.MCF_NUMBER_MIN_DIGITS} à {funding_rules.MCF_NUMBER_MAX_DIGITS} chiffres."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Indiquez le numéro de votre dossier sur Mon Compte Formation."},
    )

    def clean_mcf_number(self):
        return funding_rules.normalize_mcf_number(self.cleaned_data["mcf_number"])
