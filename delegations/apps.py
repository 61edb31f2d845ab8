from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self):
        from delegations.models import PASSPORT_FIELDS, VIEW_PASSPORT
        from hanoi_summit.core.admin import restrict_fields

        # Passport data and date of birth: nobody without the permission filters, searches
        # or sorts on them in any admin or export, across any relation.
        restrict_fields("delegations.member", PASSPORT_FIELDS, VIEW_PASSPORT)
