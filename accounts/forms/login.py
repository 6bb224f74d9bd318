"""Sign-in, activation code and password forms."""

from django import forms
from django.contrib.auth import forms as auth_forms

from accounts.passwords import set_checklist_help
from accounts.services import confirm_email


class LoginForm(auth_forms.AuthenticationForm):
    """ "Connexion avec votre compte": e-mail and password. Wrong credentials get one message whatever
    was wrong, so that the form never tells whether an address has an account."""

    error_messages = {
        "invalid_login": (
            "Adresse mail ou mot de passe incorrect. Vérifiez-les, ou utilisez « Mot de passe oublié ». "
            "Après plusieurs essais manqués, la connexion est bloquée quelques minutes."
        ),
        "inactive": "Ce compte est désactivé. Contactez la Maison des Maires.",
        "unconfirmed": (
            "Votre adresse mail n'est pas encore confirmée. Saisissez le code reçu par mail, ou demandez-en un nouveau."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Adresse mail"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email"})
        self.fields["password"].label = "Mot de passe"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Staff accounts are created by hand in the admin and have no activation e-mail.
        if user.email_confirmed_at is None and not user.is_staff:
            raise forms.ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ActivationCodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=12,
        help_text="Le code figure dans le mail que nous venons de vous envoyer.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """ "Mot de passe oublié", last step. The link came by e-mail, so it also proves the address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        set_checklist_help(self, "new_password1")
        self.fields["new_password2"].label = "Confirmez votre nouveau mot de passe"

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            confirm_email(user)
            from axes.utils import reset

            reset(username=user.email)
        return user


class PasswordResetForm(forms.Form):
    """ "Mot de passe oublié": only the address; what happens next is accounts.password_reset's."""

    email = forms.EmailField(
        label="Adresse mail personnelle", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je confirme vouloir supprimer définitivement mon compte et toutes mes données",
        error_messages={"required": "Cochez la case pour confirmer la suppression de votre compte."},
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mot de passe actuel"
        self.fields["new_password1"].label = "Nouveau mot de passe"
        set_checklist_help(self, "new_password1")
        self.fields["new_password2"].label = "Confirmez votre nouveau mot de passe"
