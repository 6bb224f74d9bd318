""" "Créer mon compte": four steps to answer, a fifth "Vérifiez vos réponses", then the e-mail confirmation."""

from django.contrib.auth.hashers import make_password
from django.shortcuts import redirect
from django.urls import reverse
from formtools.wizard.views import NamedUrlSessionWizardView, WizardView

from accounts import services, throttling
from accounts.forms.signup import FORM_STEPS, STEPS, ReviewForm
from accounts.redirects import NEXT_FIELD, safe_next, with_next

from .activation import remember_pending

STEP_TITLES = {name: title for name, _, title in STEPS}
SHORT_TITLES = ["Identité", "Contact", "Adresse", "Mot de passe", "Vérification"]
PASSWORD_FIELDS = ("password1", "password2")
REVIEW_STEP = "verification"
PASSWORD_STEP = "mot-de-passe"


class SignupWizard(NamedUrlSessionWizardView):
    form_list = [(name, form) for name, form, _ in STEPS]
    template_name = "accounts/signup/step.html"

    # --- what the wizard keeps between steps (server-side session) ---
    @property
    def state(self):
        """Our own data in the wizard storage: next page, password hash, "came from the review"."""
        extra = self.storage.extra_data
        if "signup" not in extra:
            extra["signup"] = {}
            self.storage.extra_data = extra
        return extra["signup"]

    def set_state(self, **values):
        extra = self.storage.extra_data
        extra["signup"] = {**extra.get("signup", {}), **values}
        self.storage.extra_data = extra

    # --- entry, navigation ---
    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(safe_next(request, request.GET.get(NEXT_FIELD)) or reverse("accounts:rights"))
        if NEXT_FIELD in request.GET:
            self.set_state(next=safe_next(request, request.GET.get(NEXT_FIELD)))
        step = kwargs.get("step")
        if step == self.done_step_name:
            # Finishing happens on the review's POST, never on a GET.
            return redirect(self.get_step_url(REVIEW_STEP))
        if step == REVIEW_STEP and self._first_incomplete_step() is None:
            self.set_state(reviewing=True)
        if step is None:
            # The entry URL (with or without ?next=): go to the current step, without the query string.
            return redirect(self.get_step_url(self.steps.current))
        return super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs):
        if self.request.user.is_authenticated:
            return redirect("accounts:rights")
        goto = self.request.POST.get("wizard_goto_step")
        if goto and goto in self.get_form_list():
            # "Précédent": keep what was typed on this step, even if it is not complete yet.
            form = self.get_form(data=self.request.POST)
            self.storage.set_step_data(self.steps.current, self._storable(form))
        elif self.steps.current == REVIEW_STEP and not self._may_send_mail():
            # The end of sign-up mails the address (a code, or "vous avez déjà un compte"): throttled, and
            # refused here, before the wizard forgets the answers.
            form = self.get_form(data=self.request.POST)
            form.is_valid()
            form.add_error(None, throttling.MESSAGE)
            response = self.render(form, title=throttling.TITLE)  # heads the error summary
            response.status_code = 429
            return response
        return super().post(*args, **kwargs)

    def _may_send_mail(self):
        email = (self.get_cleaned_data_for_step("contact") or {}).get("email")
        return not email or throttling.allow_account_mail(self.request, email)

    def _first_incomplete_step(self):
        return next((name for name in FORM_STEPS if self.get_cleaned_data_for_step(name) is None), None)

    def render_next_step(self, form, **kwargs):
        if self.state.get("reviewing"):
            # Back from "Modifier": straight to the review, unless a step still needs answers.
            target = self._first_incomplete_step() or REVIEW_STEP
            self.storage.current_step = target
            return redirect(self.get_step_url(target))
        return super().render_next_step(form, **kwargs)

    def render_done(self, form, **kwargs):
        # NamedUrlWizardView would redirect to a GET "done" URL that creates the account; do it on this POST.
        return WizardView.render_done(self, form, **kwargs)

    # --- forms ---
    def get_form_kwargs(self, step=None):
        if step == PASSWORD_STEP:
            identity = self.get_cleaned_data_for_step("identite") or {}
            contact = self.get_cleaned_data_for_step("contact") or {}
            attributes = {
                key: identity.get(key) or contact.get(key) or ""
                for key in ("email", "birth_name", "usage_name", "first_names")
            }
            return {"user_attributes": attributes, "stored_password_hash": self.state.get("password_hash", "")}
        return {}

    def _storable(self, form):
        """The step's data without any password in clear."""
        data = form.data.copy()
        for name in PASSWORD_FIELDS:
            data.pop(form.add_prefix(name), None)
        return data

    def get_form_step_data(self, form):
        if self.steps.current == PASSWORD_STEP and form.is_valid() and form.cleaned_data.get("password1"):
            self.set_state(password_hash=make_password(form.cleaned_data["password1"]))
        return self._storable(form)

    # --- display ---
    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.pop("signup", None)  # holds the password hash: never in a template
        current = self.steps.current
        context.update(
            step=1,
            step_title=STEP_TITLES[current],
            # The review is the last of the steps listed above the form: "Étape 5 sur 5".
            step_number=self.steps.index + 1,
            step_count=len(STEPS),
            is_review=isinstance(form, ReviewForm),
            next=self.state.get("next", ""),
            login_url=with_next(reverse("accounts:login"), self.state.get("next", "")),
            signup_steps=[
                {
                    "number": index + 1,
                    "label": SHORT_TITLES[index],
                    "state": "current" if index == self.steps.index else "done" if index < self.steps.index else "",
                }
                for index in range(len(STEPS))
            ],
        )
        if current == PASSWORD_STEP:
            from accounts.passwords import checklist

            context["password_rules"] = checklist()
        if context["is_review"]:
            context["review"] = self._review()
        return context

    def _review(self):
        """Each step's answers as (label, value) pairs, or None when the step still needs answers."""
        sections = []
        for name in FORM_STEPS:
            form = self.get_form(step=name, data=self.storage.get_step_data(name))
            rows = None
            if form.is_bound and form.is_valid():
                rows = []
                for field_name, field in form.fields.items():
                    if field_name in PASSWORD_FIELDS:
                        continue
                    value = form.cleaned_data.get(field_name)
                    label = field.label
                    if field_name == "cgu":
                        label, value = "Conditions générales d'utilisation", "Acceptées" if value else "Non acceptées"
                    elif hasattr(field, "choices"):
                        value = dict(field.choices).get(value, value)
                    elif hasattr(value, "strftime"):
                        value = value.strftime("%d/%m/%Y")
                    rows.append((label, value or "Non renseigné"))
                if name == PASSWORD_STEP:
                    rows.insert(0, ("Mot de passe", "choisi (il n'est jamais affiché)"))
            sections.append({"name": name, "title": STEP_TITLES[name], "rows": rows, "url": self.get_step_url(name)})
        return sections

    # --- end ---
    def done(self, form_list, form_dict, **kwargs):
        profile = {}
        for name in ("identite", "contact", "adresse"):
            profile.update(form_dict[name].cleaned_data)
        email = profile.pop("email")
        account = form_dict[PASSWORD_STEP].cleaned_data
        password_hash = account["password_hash"]  # the form hands back the hash kept by get_form_step_data
        next_url = safe_next(self.request, self.state.get("next", ""))
        user = services.register(email=email, password_hash=password_hash, profile=profile, next_url=next_url)
        remember_pending(self.request, user, email, next_url)
        return redirect("accounts:activation")
