from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from dife_portal.admin_search import BoundedSearchMixin

from . import (
    admin_invitations,  # noqa: F401 - registers InvitationAdmin
    mcf,
    page_cache,
    rules,
)
from .models import Modality, Organiser, Session, Theme, Training


class HttpsUrlsMixin:
    """Links typed without a scheme (www.moncompteformation.gouv.fr/…) are taken as https, as Django 6 will."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class TrainingAdminForm(forms.ModelForm):
    """The MCF identifiers may be typed, or the training's MCF address pasted whole into the first field."""

    # Long enough for a pasted address; the identifier itself is checked by the model's validator.
    mcf_training_id = forms.CharField(
        label=Training._meta.get_field("mcf_training_id").verbose_name.capitalize(),
        required=False,
        max_length=500,
        help_text=mcf.IDENTIFIER_HELP,
    )

    class Meta:
        model = Training
        fields = ["mcf_training_id", "mcf_action_id"]  # the admin adds the fieldsets' fields

    def clean(self):
        cleaned = super().clean()
        training_id = (cleaned.get("mcf_training_id") or "").strip()
        action_id = (cleaned.get("mcf_action_id") or "").strip()
        pasted = mcf.split_address(training_id)
        if pasted:
            training_id, pasted_action = pasted
            if action_id and action_id != pasted_action:
                self.add_error(
                    "mcf_action_id",
                    "L'adresse collée désigne une autre action : videz ce champ ou corrigez-le.",
                )
            action_id = action_id or pasted_action
        elif "/" in training_id:
            self.add_error(
                "mcf_training_id",
                "Cette adresse n'est pas celle d'une formation sur Mon Compte Formation : ouvrez la page de la "
                "formation sur Mon Compte Formation et copiez l'adresse affichée par le navigateur.",
            )
            return cleaned
        if bool(training_id) != bool(action_id):
            missing = "mcf_action_id" if training_id else "mcf_training_id"
            self.add_error(
                missing, "Renseignez les deux identifiants, ou aucun : l'adresse de la formation a besoin des deux."
            )
        cleaned["mcf_training_id"], cleaned["mcf_action_id"] = training_id, action_id
        return cleaned


class McfIdentifiersFilter(admin.SimpleListFilter):
    title = "Mon Compte Formation"
    parameter_name = "mcf"
    WITHOUT = "sans"

    def lookups(self, request, model_admin):
        return [("avec", "Avec identifiants"), (self.WITHOUT, "Sans identifiants")]

    def queryset(self, request, queryset):
        missing = Q(mcf_training_id="") | Q(mcf_action_id="")
        if self.value() == "avec":
            return queryset.exclude(missing)
        if self.value() == self.WITHOUT:
            return queryset.filter(missing)
        return queryset


class SessionInline(HttpsUrlsMixin, admin.TabularInline):
    model = Session
    extra = 0
    fields = [
        "starts_at",
        "ends_at",
        "venue",
        "postal_code",
        "city",
        "seats",
        "seats_taken_display",
        "last_registration_day_display",
        "status",
    ]
    readonly_fields = ["seats_taken_display", "last_registration_day_display"]
    ordering = ["starts_at"]
    show_change_link = True  # the session's own page holds its Mon Compte Formation link

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        sizes = {"venue": 28, "postal_code": 5, "city": 14, "seats": 3}
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in sizes and field is not None:
            # Without the admin's fixed-width class, the size attribute keeps the row on one screen.
            field.widget.attrs.update({"size": sizes[db_field.name], "class": ""})
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).with_availability()

    @admin.display(description="places occupées")
    def seats_taken_display(self, session):
        return session.seats_taken if session.pk else "—"

    @admin.display(description="dernier jour d'inscription")
    def last_registration_day_display(self, session):
        return session.last_registration_day.strftime("%d/%m/%Y") if session.pk else "—"


class UpcomingSessionsFilter(admin.SimpleListFilter):
    title = "sessions à venir"
    parameter_name = "a_venir"

    def lookups(self, request, model_admin):
        return [("oui", "Avec des sessions à venir"), ("non", "Sans session à venir")]

    def queryset(self, request, queryset):
        upcoming = Session.objects.open().upcoming().filter(training=OuterRef("pk"))
        if self.value() == "oui":
            return queryset.filter(Exists(upcoming))
        if self.value() == "non":
            return queryset.exclude(Exists(upcoming))
        return queryset


@admin.register(Training)
class TrainingAdmin(BoundedSearchMixin, HttpsUrlsMixin, admin.ModelAdmin):
    # What needs attention first (alerts, publication, next date); the rest may scroll on narrow screens.
    list_display = [
        "title",
        "warnings_display",
        "is_published",
        "next_session_display",
        "price_display",
        "modality_display",
        "theme",
    ]
    list_filter = ["theme", "modality", "is_published", UpcomingSessionsFilter, McfIdentifiersFilter, "organiser"]
    form = TrainingAdminForm
    search_fields = ["title", "reference", "summary", "theme__name"]
    list_select_related = ["theme"]
    actions = ["publish", "unpublish"]
    inlines = [SessionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "reference", "organiser", "theme", "is_published"]}),
        (
            "Informations clés",
            {"fields": ["duration_hours", "modality", "price", "has_exam", "financing_aids", "accessibility"]},
        ),
        ("Description", {"fields": ["summary", "strengths", "objectives", "content", "audience", "prerequisites"]}),
        ("Informations pratiques", {"fields": ["contact", "place", "transport"]}),
        ("Mon Compte Formation", {"fields": ["mcf_training_id", "mcf_action_id", "mcf_address_display"]}),
    ]
    readonly_fields = ["mcf_address_display"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        now = timezone.now()
        upcoming = Q(sessions__starts_at__gt=now, sessions__status=Session.Status.OPEN)
        return (
            super()
            .get_queryset(request)
            .annotate(max_seats=Max("sessions__seats"), next_session=Min("sessions__starts_at", filter=upcoming))
        )

    @admin.display(description="modalité", ordering="modality")
    def modality_display(self, training):
        short = {Modality.IN_PERSON: "En centre", Modality.REMOTE: "À distance", Modality.BLENDED: "Mixte"}
        return short.get(training.modality, training.modality)

    @admin.display(description="prix (coût horaire)", ordering="price")
    def price_display(self, training):
        cost = rules.hourly_cost(training.price, training.duration_hours)
        text = f"{training.price}\u00a0€ ({cost}\u00a0€/h)" if cost is not None else f"{training.price}\u00a0€"
        return text.replace(".", ",")

    @admin.display(description="prochaine session", ordering="next_session")
    def next_session_display(self, training):
        if training.next_session is None:
            return "—"
        return timezone.localtime(training.next_session).strftime("%d/%m/%Y")

    @admin.display(description="adresse sur Mon Compte Formation")
    def mcf_address_display(self, training):
        url = mcf.exact_url(training) if training.pk else ""
        if not url:
            return (
                "Pas encore d'adresse : sans identifiants, le portail montre aux élus quoi chercher sur "
                "Mon Compte Formation."
            )
        return format_html('<a href="{}" rel="noopener" target="_blank">{}</a>', url, url)

    @admin.display(description="alertes")
    def warnings_display(self, training):
        warnings = []
        if training.is_published and not training.has_mcf_identifiers:
            warnings.append("sans identifiants Mon Compte Formation")
        if rules.exceeds_hourly_cap(training.price, training.duration_hours):
            warnings.append(f"plus de {settings.HOURLY_COST_CAP_EUROS} € de l'heure")
        if rules.exceeds_seat_limit(training.max_seats):
            warnings.append(f"session de plus de {settings.DEFAULT_SESSION_SEATS} places")
        if not warnings:
            return "—"
        return format_html_join(mark_safe("<br>"), "⚠ {}", ((warning,) for warning in warnings))

    def warn(self, request, training):
        seats = training.sessions.values_list("seats", flat=True)
        for warning in rules.training_warnings(training.price, training.duration_hours, seats):
            self.message_user(request, f"{training} : {warning}", messages.WARNING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            training = self.get_object(request, object_id)
            if training is not None:
                self.warn(request, training)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the sessions are saved, so that their seats count.
        self.warn(request, form.instance)

    @admin.action(description="Publier les formations sélectionnées", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.filter(is_published=False).update(is_published=True)
        page_cache.catalogue_changed()  # update() sends no signal
        self.message_user(request, f"{count} formation(s) publiée(s).", messages.SUCCESS)

    @admin.action(description="Dépublier les formations sélectionnées", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.filter(is_published=True).update(is_published=False)
        page_cache.catalogue_changed()  # update() sends no signal
        self.message_user(request, f"{count} formation(s) dépubliée(s) : elles n'apparaissent plus sur le portail.")


class SessionUpcomingFilter(admin.SimpleListFilter):
    title = "date"
    parameter_name = "quand"

    def lookups(self, request, model_admin):
        return [("a_venir", "À venir"), ("passees", "Passées")]

    def queryset(self, request, queryset):
        if self.value() == "a_venir":
            return queryset.upcoming()
        if self.value() == "passees":
            return queryset.filter(starts_at__lte=timezone.now())
        return queryset


@admin.register(Session)
class SessionAdmin(BoundedSearchMixin, HttpsUrlsMixin, admin.ModelAdmin):
    # enrolment.admin_sessions extends this admin with the participants, presence, convocations and documents.
    list_display = [
        "first_day_display",
        "city",
        "seats",
        "seats_taken_display",
        "last_registration_day_display",
        "status",
        "training",
    ]
    list_filter = [SessionUpcomingFilter, "status", "training__theme", "city"]
    search_fields = ["training__title", "training__reference", "city", "postal_code"]
    list_select_related = ["training"]
    autocomplete_fields = ["training"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return super().get_queryset(request).with_availability()

    @admin.display(description="premier jour", ordering="starts_at")
    def first_day_display(self, session):
        return session.first_day.strftime("%d/%m/%Y")

    @admin.display(description="places occupées", ordering="seats_taken")
    def seats_taken_display(self, session):
        return session.seats_taken

    @admin.display(description="dernier jour d'inscription")
    def last_registration_day_display(self, session):
        return session.last_registration_day.strftime("%d/%m/%Y")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if rules.exceeds_seat_limit(obj.seats):
            for warning in rules.training_warnings(None, None, [obj.seats]):
                self.message_user(request, warning, messages.WARNING)


@admin.register(Theme)
class ThemeAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organiser)
class OrganiserAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "phone", "email", "is_default"]
    search_fields = ["name", "short_name"]
