"""The four steps of "Créer mon compte" and the final review."""

from django import forms
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from accounts.passwords import set_checklist_help

from .person import CONTACT_FIELDS, HELP_TEXTS, LABELS, WIDGETS, AddressForm, IdentityForm, PersonFieldsMixin


class ContactForm(PersonFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [*CONTACT_FIELDS, "email"]
        labels = LABELS
        help_texts = HELP_TEXTS
        widgets = {**WIDGETS, "email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["invalid"] = (
            "Saisissez une adresse mail valide, par exemple prenom.nom@exemple.fr."
        )

    def validate_unique(self):
        # Deliberately silent: saying "this address already has an account" here would let anyone find out
        # who has an account. A duplicate is handled at the end of sign-up, by e-mail (accounts.services).
        pass


class PasswordForm(forms.Form):
    """Password (checked by AUTH_PASSWORD_VALIDATORS against the identity typed before), and CGU.

    The wizard keeps only a hash of the chosen password (`stored_password_hash`), never the password
    itself: when the élu comes back to this step from the review, the fields may be left empty."""

    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirmez votre mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    cgu = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions générales d'utilisation",
        error_messages={
            "required": "Pour créer votre compte, cochez la case « J'ai lu et j'accepte les conditions générales "
            "d'utilisation »."
        },
    )

    def __init__(self, *args, user_attributes=None, stored_password_hash="", **kwargs):
        super().__init__(*args, **kwargs)
        self.user_attributes = user_attributes or {}
        self.stored_password_hash = stored_password_hash
        self.fields["cgu"].help_text = format_html(
            'Lire les <a href="{}" target="_blank" rel="noopener">conditions générales d\'utilisation '
            '(nouvelle fenêtre)</a> et la <a href="{}" target="_blank" rel="noopener">politique de protection '
            "des données personnelles (nouvelle fenêtre)</a>.",
            reverse("cgu"),
            reverse("privacy"),
        )
        intro = ""
        if stored_password_hash:
            for name in ("password1", "password2"):
                self.fields[name].required = False
            intro = "Vous avez déjà choisi un mot de passe : laissez ces deux champs vides pour le garder."
        set_checklist_help(self, "password1", intro)

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(
                "Les deux mots de passe ne sont pas identiques. Saisissez-les à nouveau.", code="password_mismatch"
            )
        if password1 and not password2:
            raise forms.ValidationError("Confirmez votre mot de passe.", code="required")
        return password2

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            try:
                password_validation.validate_password(password, User(**self.user_attributes))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        elif self.stored_password_hash and not self.has_error("password1"):
            cleaned["password_hash"] = self.stored_password_hash
        return cleaned

    @property
    def has_new_password(self):
        return bool(self.is_bound and self.is_valid() and self.cleaned_data.get("password1"))


class ReviewForm(forms.Form):
    """ "Vérifiez vos réponses": nothing to type, the wizard re-checks every step on submission."""


STEPS = [
    ("identite", IdentityForm, "Votre identité"),
    ("contact", ContactForm, "Votre contact"),
    ("adresse", AddressForm, "Votre adresse de domicile"),
    ("mot-de-passe", PasswordForm, "Votre mot de passe"),
    ("verification", ReviewForm, "Vérifiez vos réponses"),
]
FORM_STEPS = [name for name, _, _ in STEPS[:-1]]
