from django.apps import AppConfig


class HanoiSummitConfig(AppConfig):
    name = "hanoi_summit"
    verbose_name = "Hanoi Summit"

    def ready(self):
        # The admin's autodiscovery ran in its own ready(), earlier in INSTALLED_APPS.
        from django.contrib import admin
        from django.core import checks

        from hanoi_summit.checks import badge_signing_key_is_set, event_clock_is_real, field_keys_are_set
        from hanoi_summit.core.admin import guard_admin_site
        from hanoi_summit.secretariat.admin_composition import compose_admin

        guard_admin_site(admin.site)
        compose_admin(admin.site)
        # Connect the login receivers that record whether a sign-in still owes its second
        # factor, and that stamp a session's login time (staff time-outs).
        import hanoi_summit.twofactor.middleware  # noqa: F401
        import hanoi_summit.web.middleware  # noqa: F401

        checks.register(event_clock_is_real, checks.Tags.security, deploy=True)
        # Deploy only: tests and `make test` run with DEBUG off and the development key.
        checks.register(badge_signing_key_is_set, checks.Tags.security, deploy=True)
        checks.register(field_keys_are_set, checks.Tags.security, deploy=True)
