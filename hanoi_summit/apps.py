from django.apps import AppConfig


class HanoiSummitConfig(AppConfig):
    name = "hanoi_summit"
    verbose_name = "Hanoi Summit"
