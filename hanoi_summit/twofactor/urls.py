from django.urls import path

from hanoi_summit.twofactor import views

urlpatterns = [
    path("", views.index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("authenticator-app/", views.totp, name="totp"),
    path("recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey-remove"),
    path("turn-off/", views.turn_off, name="turn-off"),
]
