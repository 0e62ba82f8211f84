from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("verify/", views.mfa_verify, name="mfa_verify"),
    path("enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
]
