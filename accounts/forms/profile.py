"""Mon profil: the élu changes what sign-up recorded (identity stays locked once verified)."""

from django import forms

from accounts.models import User

from .person import ADDRESS_FIELDS, CONTACT_FIELDS, HELP_TEXTS, IDENTITY_FIELDS, LABELS, WIDGETS, PersonFieldsMixin


class ProfileForm(PersonFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [*IDENTITY_FIELDS, *CONTACT_FIELDS, *ADDRESS_FIELDS]
        labels = LABELS
        help_texts = HELP_TEXTS
        widgets = WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.identity_locked = self.instance.identity_verified
        if self.identity_locked:
            # Disabled fields ignore whatever is posted: the verified identity cannot be changed here.
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = ""

    identity_fields = property(lambda self: [self[name] for name in IDENTITY_FIELDS])
    contact_fields = property(lambda self: [self[name] for name in CONTACT_FIELDS])
    address_fields = property(lambda self: [self[name] for name in ADDRESS_FIELDS])
