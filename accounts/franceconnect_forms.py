"""The forms that complete a profile created by FranceConnect: only the missing sections are asked."""

import phonenumbers
from django import forms
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from . import profile_completion
from .forms.mandates import collectivite_field, group_collectivites
from .forms.person import LABELS
from .models import Mandate, User

SECTION_FIELDS = {
    profile_completion.CONTACT: ["phone_mobile", "phone_landline"],
    profile_completion.ADDRESS: [
        "street_number",
        "street_repetition",
        "street_type",
        "street_name",
        "address_complement",
        "lieu_dit",
        "postal_code",
        "city",
    ],
    profile_completion.MANDATE: ["mandate_collectivite", "mandate_function", "mandate_start_date"],
    profile_completion.CGU: ["accept_cgu"],
}


def _french_phone(value, *, mobile):
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError("Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78.")
    kind = phonenumbers.number_type(number)
    if mobile and kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise forms.ValidationError("Ce numéro n'est pas un numéro de mobile : indiquez-le comme téléphone fixe.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


class CompletionForm(forms.ModelForm):
    """Phone, home address, first mandate and CGU: each section only when the profile lacks it."""

    mandate_collectivite = collectivite_field(
        error_messages={"required": "Choisissez la collectivité de votre mandat."},
    )
    mandate_function = forms.ChoiceField(
        label="Fonction",
        choices=[("", "Choisissez votre fonction")] + Mandate.Function.choices,
        error_messages={"required": "Choisissez votre fonction."},
    )
    mandate_start_date = forms.DateField(
        label="Début du mandat",
        help_text="Par exemple 03/07/2020.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Indiquez la date de début de votre mandat.",
            "invalid": "Indiquez une date valide, par exemple 03/07/2020.",
        },
    )
    accept_cgu = forms.BooleanField(
        error_messages={"required": "Vous devez accepter les conditions générales d'utilisation pour continuer."},
    )

    class Meta:
        model = User
        fields = SECTION_FIELDS[profile_completion.CONTACT] + SECTION_FIELDS[profile_completion.ADDRESS]
        help_texts = {
            "phone_mobile": "Au moins un numéro : mobile ou fixe.",
            "address_complement": "Bâtiment, étage, appartement… (facultatif)",
        }
        error_messages = {
            "postal_code": {"required": "Indiquez votre code postal."},
            "city": {"required": "Indiquez votre commune."},
        }

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_cgu"].label = format_html(
            "J'ai lu et j'accepte les <a href=\"{}\">conditions générales d'utilisation</a> "
            'et la <a href="{}">politique de protection des données personnelles</a>.',
            reverse("cgu"),
            reverse("privacy"),
        )
        wanted = {name for section in sections for name in SECTION_FIELDS.get(section, [])}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "mandate_collectivite" in self.fields:
            group_collectivites(self.fields["mandate_collectivite"])
        for name in ("street_repetition", "street_type"):
            if name in self.fields:
                # As on the sign-up form: an optional choice reads "—", not "---------".
                self.fields[name].choices = [("", "—"), *list(self.fields[name].choices)[1:]]
                self.fields[name].label = LABELS[name]
        for name in ("postal_code", "city"):
            if name in self.fields:
                self.fields[name].required = True
        if "postal_code" in self.fields:
            self.fields["postal_code"].widget.attrs.update(inputmode="numeric", autocomplete="postal-code")
            self.fields["city"].widget.attrs.update(autocomplete="address-level2")
        if "phone_mobile" in self.fields:
            self.fields["phone_mobile"].widget.attrs.update(type="tel", autocomplete="tel")
            self.fields["phone_landline"].widget.attrs.update(type="tel")

    def clean_phone_mobile(self):
        return _french_phone(self.cleaned_data.get("phone_mobile"), mobile=True)

    def clean_phone_landline(self):
        return _french_phone(self.cleaned_data.get("phone_landline"), mobile=False)

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres, par exemple 37000.")
        return value

    def clean_mandate_start_date(self):
        value = self.cleaned_data["mandate_start_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("La date de début du mandat ne peut pas être dans le futur.")
        return value

    def clean(self):
        cleaned = super().clean()
        phone_errors = self.has_error("phone_mobile") or self.has_error("phone_landline")
        if "phone_mobile" in self.fields and not phone_errors:
            if not (cleaned.get("phone_mobile") or cleaned.get("phone_landline")):
                self.add_error("phone_mobile", "Indiquez au moins un numéro de téléphone, mobile ou fixe.")
        if "street_name" in self.fields and not (cleaned.get("street_name") or cleaned.get("lieu_dit")):
            self.add_error("street_name", "Indiquez le nom de la voie, ou à défaut le lieu-dit.")
        return cleaned

    @transaction.atomic
    def save(self):
        if self.cleaned_data.get("accept_cgu"):
            self.instance.cgu_accepted_at = timezone.now()
        user = super().save()
        if self.cleaned_data.get("mandate_collectivite"):
            Mandate.objects.create(
                user=user,
                collectivite=self.cleaned_data["mandate_collectivite"],
                function=self.cleaned_data["mandate_function"],
                start_date=self.cleaned_data["mandate_start_date"],
            )
        return user
