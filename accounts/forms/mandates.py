from django import forms
from django.utils import timezone

from accounts.mandates import FUNCTIONS_BY_KIND, function_fits
from accounts.models import Collectivite, Mandate
from dife_portal.collation import french_order


class CollectiviteChoiceField(forms.ModelChoiceField):
    """A plain <select> grouped by kind (works without JavaScript; a script adds a filter box)."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})" if obj.kind == Collectivite.Kind.COMMUNE else obj.name


def collectivite_field(**kwargs):
    """The collectivité picker of every form that declares a mandate (see `group_collectivites`)."""
    return CollectiviteChoiceField(
        queryset=Collectivite.objects.all(),
        label="Collectivité",
        empty_label="Choisissez votre commune ou votre intercommunalité",
        help_text="Commune (avec son code INSEE) ou intercommunalité (EPCI). Tapez les premières lettres pour "
        "aller directement au nom.",
        **kwargs,
    )


def group_collectivites(field):
    """Fill `field`'s options in one query, in French order, grouped as "Communes" / "Intercommunalités (EPCI)";
    the page's script (static/js/collectivite-filter.js) adds a search box above it."""
    groups = {Collectivite.Kind.COMMUNE: [], Collectivite.Kind.EPCI: []}
    field.widget.attrs["data-filterable"] = "true"
    for collectivite in Collectivite.objects.order_by("kind", french_order("name")):
        groups.setdefault(collectivite.kind, []).append((collectivite.pk, field.label_from_instance(collectivite)))
    field.choices = [
        ("", field.empty_label),
        ("Communes", groups[Collectivite.Kind.COMMUNE]),
        ("Intercommunalités (EPCI)", groups[Collectivite.Kind.EPCI]),
    ]


class MandateForm(forms.ModelForm):
    collectivite = collectivite_field()

    class Meta:
        model = Mandate
        fields = ["collectivite", "function", "start_date", "end_date"]
        labels = {
            "function": "Fonction",
            "start_date": "Début du mandat",
            "end_date": "Fin du mandat (facultatif)",
        }
        help_texts = {
            "start_date": "Date de votre élection ou de votre prise de fonction. Par exemple : 03/07/2020.",
            "end_date": "Seulement si ce mandat est terminé.",
        }
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        group_collectivites(self.fields["collectivite"])
        function = self.fields["function"]
        function.choices = [
            ("", "Choisissez votre fonction"),
            ("Dans une commune", [(f.value, f.label) for f in FUNCTIONS_BY_KIND[Collectivite.Kind.COMMUNE]]),
            ("Dans une intercommunalité", [(f.value, f.label) for f in FUNCTIONS_BY_KIND[Collectivite.Kind.EPCI]]),
        ]

    def clean_start_date(self):
        start = self.cleaned_data.get("start_date")
        if start and start > timezone.localdate():
            raise forms.ValidationError("Le début du mandat ne peut pas être dans le futur.", code="future")
        return start

    def clean(self):
        cleaned = super().clean()
        collectivite, function = cleaned.get("collectivite"), cleaned.get("function")
        if collectivite and function and not function_fits(function, collectivite):
            kind = "une commune" if collectivite.kind == Collectivite.Kind.COMMUNE else "une intercommunalité"
            self.add_error(
                "function",
                forms.ValidationError(
                    f"Cette fonction n'existe pas dans {kind} : choisissez une fonction de la liste « Dans {kind} ».",
                    code="function_mismatch",
                ),
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date", forms.ValidationError("La fin du mandat doit suivre son début.", code="end_before_start")
            )
        return cleaned
