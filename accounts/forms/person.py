"""The élu's identity, contact and address: fields, labels and checks shared by sign-up and "Mon profil"."""

import datetime
import re

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import phones, postal_codes
from accounts.email_addresses import clean_new_email
from accounts.models import User

IDENTITY_FIELDS = ["birth_name", "usage_name", "first_names", "birth_date", "birth_place"]
CONTACT_FIELDS = ["phone_mobile", "phone_landline"]
ADDRESS_FIELDS = [
    "street_number",
    "street_repetition",
    "street_type",
    "street_name",
    "address_complement",
    "lieu_dit",
    "postal_code",
    "city",
]
MINIMUM_AGE = 18  # one must be of age to hold a local mandate
MAXIMUM_AGE = 120
TOWNS_LISTED = 8

LABELS = {
    "birth_name": "Nom de naissance",
    "usage_name": "Nom d'usage (facultatif)",
    "first_names": "Prénoms",
    "birth_date": "Date de naissance",
    "birth_place": "Commune ou pays de naissance",
    "phone_mobile": "Téléphone mobile",
    "phone_landline": "Téléphone fixe",
    "email": "Adresse mail personnelle",
    "street_number": "Numéro de voie (facultatif)",
    "street_repetition": "Indice de répétition (facultatif)",
    "street_type": "Type de voie (facultatif)",
    "street_name": "Nom de la voie",
    "address_complement": "Complément d'adresse (facultatif)",
    "lieu_dit": "Lieu-dit (facultatif)",
    "postal_code": "Code postal",
    "city": "Ville",
}
HELP_TEXTS = {
    "birth_name": "Saisissez uniquement votre nom de naissance, tel qu'il figure sur votre acte de naissance.",
    "usage_name": (
        "Seulement s'il est différent de votre nom de naissance : nom d'époux ou d'épouse, par exemple. "
        "Ne le confondez pas avec votre nom de naissance."
    ),
    "first_names": "Tous vos prénoms, dans l'ordre de l'état civil, séparés par un espace.",
    "birth_date": "Par exemple : 17/05/1970.",
    "birth_place": "Si vous êtes né à l'étranger, indiquez le pays.",
    "phone_mobile": "Indiquez au moins un numéro : mobile ou fixe. Par exemple : 06 12 34 56 78.",
    "phone_landline": "Par exemple : 02 47 33 37 00.",
    "email": "Votre adresse à vous, pas celle de la mairie : elle sert à vous connecter.",
    "street_number": "Par exemple : 34.",
    "street_repetition": "bis, ter, quater…",
    "street_name": "Par exemple : de la Préfecture. Si votre adresse n'a pas de voie, indiquez le lieu-dit.",
    "address_complement": "Bâtiment, appartement, étage…",
    "postal_code": "5 chiffres, par exemple 37000.",
}
WIDGETS = {
    "birth_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
    "usage_name": forms.TextInput(attrs={"autocomplete": "off"}),
    "first_names": forms.TextInput(attrs={"autocomplete": "given-name"}),
    "birth_date": forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    "phone_mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    "phone_landline": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    "street_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    "street_name": forms.TextInput(attrs={"autocomplete": "address-line1"}),
    "address_complement": forms.TextInput(attrs={"autocomplete": "address-line2"}),
    "lieu_dit": forms.TextInput(attrs={"autocomplete": "address-line3"}),
    "postal_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5}),
    "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
}
REQUIRED = {"birth_name", "first_names", "birth_date", "birth_place", "postal_code", "city", "email"}

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*$")
STREET_NUMBER_RE = re.compile(r"^\d{1,5}$")


def _tidy(value):
    return " ".join((value or "").split())


def clean_name(value):
    value = _tidy(value)
    if value and not NAME_RE.match(value):
        raise ValidationError(
            "Saisissez uniquement des lettres, des espaces, des tirets ou des apostrophes.", code="invalid_name"
        )
    return value


class PersonFieldsMixin:
    """French labels, hints, required fields and checks for whichever identity/contact/address fields a
    form has. Cross-field checks only run for the groups the form contains."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in REQUIRED:
                field.required = True
        if "street_repetition" in self.fields:
            self.fields["street_repetition"].choices = [("", "—")] + list(self.fields["street_repetition"].choices)[1:]
        if "street_type" in self.fields:
            self.fields["street_type"].choices = [("", "—")] + list(self.fields["street_type"].choices)[1:]

    def _locked(self, name):
        """A disabled field keeps its stored value (e.g. an identity verified by FranceConnect): not re-checked."""
        return self.fields[name].disabled

    # Identity
    def clean_birth_name(self):
        value = self.cleaned_data.get("birth_name")
        return value if self._locked("birth_name") else clean_name(value)

    def clean_usage_name(self):
        value = self.cleaned_data.get("usage_name")
        return value if self._locked("usage_name") else clean_name(value)

    def clean_first_names(self):
        value = self.cleaned_data.get("first_names")
        return value if self._locked("first_names") else clean_name(value)

    def clean_birth_place(self):
        return _tidy(self.cleaned_data.get("birth_place"))

    def clean_birth_date(self):
        birth_date = self.cleaned_data.get("birth_date")
        if birth_date is None or self._locked("birth_date"):
            return birth_date
        today = timezone.localdate()
        if birth_date > today:
            raise ValidationError("La date de naissance ne peut pas être dans le futur.", code="future")
        if birth_date > today - relativedelta(years=MINIMUM_AGE):
            raise ValidationError(
                f"Vérifiez votre date de naissance : un élu a au moins {MINIMUM_AGE} ans.", code="too_young"
            )
        if birth_date < today - relativedelta(years=MAXIMUM_AGE) or birth_date < datetime.date(1900, 1, 1):
            raise ValidationError("Vérifiez votre date de naissance : l'année semble erronée.", code="too_old")
        return birth_date

    # Contact
    def clean_phone_mobile(self):
        return phones.clean_phone(self.cleaned_data.get("phone_mobile"), phones.MOBILE)

    def clean_phone_landline(self):
        return phones.clean_phone(self.cleaned_data.get("phone_landline"), phones.LANDLINE)

    def clean_email(self):
        return clean_new_email(self.cleaned_data.get("email"))

    # Address
    def clean_street_number(self):
        value = (self.cleaned_data.get("street_number") or "").strip()
        if value and not STREET_NUMBER_RE.match(value):
            raise ValidationError(
                "Le numéro de voie ne contient que des chiffres ; choisissez bis, ter… dans la liste suivante.",
                code="invalid_street_number",
            )
        return value

    def clean_postal_code(self):
        value = (self.cleaned_data.get("postal_code") or "").replace(" ", "")
        if not value:
            return value
        if not postal_codes.is_well_formed(value):
            raise ValidationError("Le code postal se compose de 5 chiffres, par exemple 37000.", code="invalid_format")
        if not postal_codes.exists(value):
            raise ValidationError("Ce code postal n'existe pas. Vérifiez-le.", code="unknown_postal_code")
        return value

    def clean_city(self):
        return _tidy(self.cleaned_data.get("city"))

    def clean(self):
        cleaned = super().clean()
        if "birth_name" in self.fields and not self._locked("usage_name") and cleaned.get("usage_name"):
            if postal_codes.normalize_town(cleaned["usage_name"]) == postal_codes.normalize_town(
                cleaned.get("birth_name", "")
            ):
                cleaned["usage_name"] = ""  # same as the birth name: not a usage name
        if "phone_mobile" in self.fields and "phone_landline" in self.fields:
            if not cleaned.get("phone_mobile") and not cleaned.get("phone_landline"):
                if not self.has_error("phone_mobile") and not self.has_error("phone_landline"):
                    self.add_error(
                        "phone_mobile",
                        ValidationError(
                            "Indiquez au moins un numéro de téléphone : mobile ou fixe.", code="phone_required"
                        ),
                    )
        if "postal_code" in self.fields:
            self._clean_address(cleaned)
        return cleaned

    def _clean_address(self, cleaned):
        if cleaned.get("street_repetition") and not cleaned.get("street_number"):
            self.add_error(
                "street_number",
                ValidationError("Indiquez le numéro de voie qui accompagne l'indice bis, ter…", code="number_required"),
            )
        if not cleaned.get("street_name") and not cleaned.get("lieu_dit") and not self.has_error("street_name"):
            self.add_error(
                "street_name",
                ValidationError("Indiquez le nom de la voie, ou à défaut le lieu-dit.", code="street_required"),
            )
        postal_code, city = cleaned.get("postal_code"), cleaned.get("city")
        if postal_code and city:
            town = postal_codes.find_town(postal_code, city)
            if town is None:
                towns = postal_codes.towns_for(postal_code)
                listed = ", ".join(towns[:TOWNS_LISTED]) + ("…" if len(towns) > TOWNS_LISTED else "")
                self.add_error(
                    "city",
                    ValidationError(
                        f"Cette ville ne correspond pas au code postal {postal_code}. "
                        f"Ce code postal dessert : {listed}.",
                        code="city_mismatch",
                    ),
                )
            elif not town.name.isupper():
                cleaned["city"] = town.name  # the official spelling


class IdentityForm(PersonFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = IDENTITY_FIELDS
        labels = LABELS
        help_texts = HELP_TEXTS
        widgets = WIDGETS


class AddressForm(PersonFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ADDRESS_FIELDS
        labels = LABELS
        help_texts = HELP_TEXTS
        widgets = WIDGETS
