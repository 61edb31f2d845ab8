"""Second factors at sign-in: TOTP (any authenticator app), WebAuthn security keys and passkeys,
one-time recovery codes; django-otp and django-otp-webauthn keep the devices (README,
Two-factor sign-in). Who owes one: policy.py; what changes them: services.py; the pages:
views.py; the gate that keeps a half-signed-in session to those pages: middleware.py."""
