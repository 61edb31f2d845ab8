from django.apps import AppConfig


class HanoiSummitConfig(AppConfig):
    name = "hanoi_summit"
    verbose_name = "Hanoi Summit"

    def ready(self):
        # The admin's autodiscovery ran in its own ready(), earlier in INSTALLED_APPS.
        from django.contrib import admin

        from .admin_composition import compose_admin

        compose_admin(admin.site)
