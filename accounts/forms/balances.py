from decimal import Decimal

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.services import stamp_balance_dates

MAX_BALANCE = Decimal("100000")


class BalancesForm(forms.ModelForm):
    """ "Vos droits formation": the amounts the élu reads on Mon Compte Formation, and when."""

    class Meta:
        model = User
        fields = ["dife_balance", "dife_balance_date", "cpf_balance", "cpf_balance_date"]
        labels = {
            "dife_balance": "Votre compte élu (DIFE) : montant disponible en euros",
            "dife_balance_date": "Compte élu : montant lu le",
            "cpf_balance": "Vos droits en euros (CPF) : montant disponible en euros",
            "cpf_balance_date": "Droits CPF : montant lu le",
        }
        help_texts = {
            "dife_balance": "Le montant affiché à gauche, sous la cocarde tricolore. Par exemple : 700,00.",
            "dife_balance_date": "Le jour où vous avez lu ce montant. Si vous changez le montant sans changer la date, "
            "la date d'aujourd'hui est enregistrée.",
            "cpf_balance": "Le montant affiché à droite, lié à votre activité professionnelle. Facultatif.",
            "cpf_balance_date": "Le jour où vous avez lu ce montant. Si vous changez le montant sans changer la date, "
            "la date d'aujourd'hui est enregistrée.",
        }
        widgets = {
            "dife_balance": forms.TextInput(attrs={"inputmode": "decimal"}),
            "cpf_balance": forms.TextInput(attrs={"inputmode": "decimal"}),
            "dife_balance_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cpf_balance_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("dife_balance", "cpf_balance"):
            field = self.fields[name]
            field.localize = True
            field.widget.is_localized = True
            field.error_messages["invalid"] = "Saisissez un montant en euros, par exemple 700 ou 700,50."
            field.error_messages["max_decimal_places"] = "Indiquez au plus deux chiffres après la virgule."

    def _clean_amount(self, name):
        amount = self.cleaned_data.get(name)
        if amount is not None and amount < 0:
            raise forms.ValidationError("Le montant ne peut pas être négatif.", code="negative")
        if amount is not None and amount > MAX_BALANCE:
            raise forms.ValidationError("Ce montant semble trop élevé : vérifiez-le.", code="too_high")
        return amount

    def clean_dife_balance(self):
        return self._clean_amount("dife_balance")

    def clean_cpf_balance(self):
        return self._clean_amount("cpf_balance")

    def _clean_date(self, name):
        day = self.cleaned_data.get(name)
        if day and day > timezone.localdate():
            raise forms.ValidationError("Cette date ne peut pas être dans le futur.", code="future")
        return day

    def clean_dife_balance_date(self):
        return self._clean_date("dife_balance_date")

    def clean_cpf_balance_date(self):
        return self._clean_date("cpf_balance_date")

    def save(self, commit=True):
        user = super().save(commit=False)
        changed = set(self.changed_data)
        # A date alone counts as re-reading the same amount.
        for amount, date in (("dife_balance", "dife_balance_date"), ("cpf_balance", "cpf_balance_date")):
            if date in changed:
                changed.add(amount)
        stamp_balance_dates(user, changed)
        if commit:
            user.save()
        return user
