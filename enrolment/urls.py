from django.urls import path

from . import digest_views, satisfaction_views, views

app_name = "enrolment"

urlpatterns = [
    path("", views.my_dossiers, name="list"),
    path("session/<int:session_pk>/nouveau/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/identite/", views.identity, name="identity"),
    path("<int:pk>/verifier/", views.review, name="review"),
    path("<int:pk>/envoyer/", views.send, name="send"),
    path("<int:pk>/envoye/", views.sent, name="sent"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/confirmer-ma-place/", views.confirm_offer, name="confirm_offer"),
    path("<int:pk>/questionnaire/", satisfaction_views.questionnaire, name="satisfaction"),
    path("<int:pk>/mon-compte-formation/", views.record_mcf_number, name="mcf_number"),
    path("pieces-identite/<int:pk>/<str:side>/", views.identity_file, name="identity_file"),
    path("equipe/recapitulatif/", digest_views.staff_digest_setting, name="staff_digest"),
]
