from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    # django.contrib.sessions owns the label "sessions": this app keeps its folder name
    # but answers to "programme" everywhere (migrations, admin URLs, permissions).
    name = "sessions"
    label = "programme"
    verbose_name = _("Programme")

    def ready(self):
        from hanoi_summit.core.personal_data import member_data_section
        from sessions import personal_data

        member_data_section("programme", personal_data.programme_records)
