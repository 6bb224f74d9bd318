""" "Se connecter" (Hypothèse 1 and 2 of the guide), "Mot de passe oublié", sign-out."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy

from accounts import password_reset, throttling
from accounts.forms.login import LoginForm, PasswordResetForm, SetPasswordForm
from accounts.redirects import NEXT_FIELD, safe_next, with_next

from .activation import remember_pending


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_redirect_url(self):
        url = safe_next(self.request, self.request.POST.get(NEXT_FIELD) or self.request.GET.get(NEXT_FIELD))
        # ?next= pointing back to this page would loop (Django raises an error for signed-in users).
        return "" if url.split("?")[0] == self.request.path else url

    def form_invalid(self, form):
        unconfirmed = form.has_error("__all__", "unconfirmed")
        if unconfirmed:
            # The password was right: this browser may now receive a new code for this account.
            remember_pending(self.request, form.user_cache, form.user_cache.email, self.get_redirect_url())
        return self.render_to_response(self.get_context_data(form=form, unconfirmed=unconfirmed))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = self.get_redirect_url()
        context.update(
            step=1,
            next=next_url,
            signup_url=with_next(reverse("accounts:signup"), next_url),
        )
        context.setdefault("unconfirmed", False)
        return context


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer, after the same work, for every address (accounts.password_reset); throttled."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset/form.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"step": 1}
    title = ""  # heads the error summary (includes/form_errors.html); Django's would say "Réinitialisation…"

    def form_valid(self, form):
        if not throttling.allow_account_mail(self.request, form.cleaned_data["email"]):
            form.add_error(None, throttling.MESSAGE)
            context = self.get_context_data(form=form)
            context["title"] = throttling.TITLE
            return self.render_to_response(context, status=429)
        password_reset.request_reset(form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset/done.html"
    extra_context = {"step": 1}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset/confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"step": 1}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset/complete.html"
    extra_context = {"step": 1}
