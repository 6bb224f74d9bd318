import datetime

from django import forms
from django.db.models import Exists, OuterRef

from .models import Modality, Theme, Training

# Bounds that keep dates meaningful for a catalogue (and far from the limits of datetime arithmetic).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
# A page number beyond this is certainly a typo or a probe: refuse it before it reaches the database.
MAX_PAGE = 10_000


class SearchModality:
    """What the visitor chooses, as on Mon Compte Formation; a blended training matches both."""

    IN_PERSON = Modality.IN_PERSON.value
    REMOTE = Modality.REMOTE.value
    CHOICES = [
        ("", "En centre ou à distance"),
        (IN_PERSON, "Formation en centre"),
        (REMOTE, "Formation à distance"),
    ]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends (and shows) ISO dates; typed dates such as 12/05/2026 also parse.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TrainingSearchForm(forms.Form):
    """The search of step 2. Field names are the (French) query-string parameters, so URLs can be shared."""

    q = forms.CharField(
        label="Formation, métier, etc.",
        required=False,
        max_length=200,
        help_text="Par exemple : budget, urbanisme.",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )
    modalite = forms.ChoiceField(
        label="Formation en centre / Formation à distance",
        required=False,
        choices=SearchModality.CHOICES,
        error_messages={"invalid_choice": "Choisissez « Formation en centre » ou « Formation à distance »."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    lieu = forms.CharField(
        label="Localisation",
        required=False,
        max_length=100,
        help_text="Commune ou code postal, par exemple : Tours, Chinon ou 37500.",
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "address-level2"}),
    )
    du = forms.DateField(
        label="Entre le",
        required=False,
        error_messages={"invalid": "Saisissez une date valide, par exemple 15/03/2027."},
        widget=DateInput(attrs={"class": "form-control"}),
    )
    au = forms.DateField(
        label="Et le",
        required=False,
        error_messages={"invalid": "Saisissez une date valide, par exemple 30/06/2027."},
        widget=DateInput(attrs={"class": "form-control"}),
    )
    theme = forms.ModelChoiceField(
        label="Thème",
        required=False,
        # Only themes a visitor can find something in.
        queryset=Theme.objects.filter(Exists(Training.objects.published().filter(theme=OuterRef("pk")))),
        to_field_name="slug",
        empty_label="Tous les thèmes",
        error_messages={"invalid_choice": "Ce thème n'existe pas : choisissez un thème de la liste."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Le numéro de page demandé n'est pas valide : voici la première page.",
            "min_value": "Le numéro de page demandé n'est pas valide : voici la première page.",
            "max_value": "Le numéro de page demandé n'est pas valide : voici la première page.",
        },
    )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _clean_bounded_date(self, name):
        value = self.cleaned_data.get(name)
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(
                "Saisissez une date entre le %(earliest)s et le %(latest)s.",
                params={"earliest": EARLIEST_DATE.strftime("%d/%m/%Y"), "latest": LATEST_DATE.strftime("%d/%m/%Y")},
            )
        return value

    def clean_du(self):
        return self._clean_bounded_date("du")

    def clean_au(self):
        return self._clean_bounded_date("au")

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())

    def clean_lieu(self):
        return " ".join(self.cleaned_data["lieu"].split())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("du"), cleaned.get("au")
        if start and end and start > end:
            self.add_error("au", "Cette date doit être postérieure ou égale à la date « Entre le ».")
        return cleaned

    @property
    def criteria_errors(self):
        """Errors on what the visitor chose (the page number is reported separately)."""
        return {name: errors for name, errors in self.errors.items() if name != "page"}

    def criteria(self):
        """The valid criteria only: an invalid field is ignored (and reported) rather than failing the search."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {name: data.get(name) for name in ("q", "modalite", "lieu", "du", "au", "theme") if data.get(name)}

    def requested_page(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1
