from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    # django.contrib.sessions owns the label "sessions": this app keeps its folder name
    # but answers to "programme" everywhere (migrations, admin URLs, permissions).
    name = "sessions"
    label = "programme"
    verbose_name = _("Programme")
