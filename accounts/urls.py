from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from accounts.views import activation, email_change, login, mandates, profile, rights, signup

app_name = "accounts"

signup_view = signup.SignupWizard.as_view(url_name="accounts:signup_step", done_step_name="termine")

urlpatterns = [
    # Se connecter
    path("connexion/", login.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe-oublie/", login.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", login.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        login.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe-oublie/termine/", login.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Créer mon compte
    path("inscription/", signup_view, name="signup"),
    re_path(r"^inscription/(?P<step>[a-z-]+)/$", signup_view, name="signup_step"),
    path("activation/", activation.activation_page, name="activation"),
    path("activation/renvoyer/", activation.resend_code, name="activation_resend"),
    path("activation/<str:token>/", activation.activation_link, name="activation_link"),
    # Vos droits formation
    path("droits/", rights.rights, name="rights"),
    path("droits/modifier/", rights.rights_edit, name="rights_edit"),
    path("droits/compte-elu-absent/", rights.dife_missing, name="dife_missing"),
    path("droits/compte-elu-absent/signaler/", rights.dife_missing_report, name="dife_missing_report"),
    # Mes mandats
    path("mandats/", mandates.mandate_list, name="mandates"),
    path("mandats/ajouter/", mandates.mandate_add, name="mandate_add"),
    path("mandats/<int:pk>/modifier/", mandates.mandate_edit, name="mandate_edit"),
    path("mandats/<int:pk>/supprimer/", mandates.mandate_delete, name="mandate_delete"),
    # Mon profil
    path("profil/", profile.profile, name="profile"),
    path("profil/modifier/", profile.profile_edit, name="profile_edit"),
    path("profil/mot-de-passe/", profile.PasswordChangeView.as_view(), name="password_change"),
    path("profil/adresse-mail/", email_change.change, name="email_change"),
    path("profil/adresse-mail/confirmer/", email_change.confirm, name="email_change_confirm"),
    path("profil/adresse-mail/annuler/", email_change.cancel, name="email_change_cancel"),
    path("adresse-mail/<str:token>/", email_change.link, name="email_change_link"),
    path("profil/mes-donnees.json", profile.personal_data_download, name="personal_data"),
    path("profil/supprimer/", profile.account_delete, name="account_delete"),
]
