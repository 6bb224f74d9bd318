"""Mon profil → changer d'adresse mail (accounts.email_change)."""

from django import forms

from accounts.email_addresses import clean_new_email


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label="Nouvelle adresse mail",
        help_text="Nous y enverrons un code pour la confirmer. D'ici là, vous vous connectez avec votre adresse "
        "actuelle.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Votre mot de passe",
        help_text="Pour vérifier que c'est bien vous.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # An account opened with FranceConnect has no password: being signed in is the proof.
            del self.fields["password"]

    def clean_new_email(self):
        email = clean_new_email(self.cleaned_data["new_email"])  # one spelling, as sign-in looks it up
        if email == self.user.email:
            raise forms.ValidationError("C'est déjà l'adresse de votre compte : saisissez la nouvelle adresse.")
        return email

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Ce mot de passe n'est pas le bon.")
        return password


class EmailChangeCodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres",
        max_length=12,
        help_text="Le code figure dans le mail envoyé à votre nouvelle adresse.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
