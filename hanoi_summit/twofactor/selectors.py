"""What an account has as second factors, without any secret: for its own page and the admin."""

from dataclasses import dataclass

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential


@dataclass(frozen=True)
class Factors:
    authenticator_app: bool
    passkeys: list
    recovery_codes_left: int

    @property
    def any(self):
        return self.authenticator_app or bool(self.passkeys) or self.recovery_codes_left > 0

    def as_counts(self):
        """For the audit trail: what there was, never what it was."""
        return {
            "authenticator_app": self.authenticator_app,
            "passkeys": len(self.passkeys),
            "recovery_codes": self.recovery_codes_left,
        }


def factors_of(user):
    return Factors(
        authenticator_app=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        passkeys=list(
            WebAuthnCredential.objects.filter(user=user, confirmed=True)
            .order_by("created_at")
            .values("pk", "name", "created_at", "last_used_at")
        ),
        recovery_codes_left=StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
    )
