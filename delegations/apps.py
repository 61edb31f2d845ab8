from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "delegations"
    verbose_name = _("Delegations")

    def ready(self):
        from delegations import personal_data
        from delegations.models import PASSPORT_FIELDS, VIEW_PASSPORT
        from hanoi_summit.core.admin import restrict_fields
        from hanoi_summit.core.personal_data import member_data_section

        # Passport data and date of birth: nobody without the permission filters, searches
        # or sorts on them in any admin or export, across any relation.
        restrict_fields("delegations.member", PASSPORT_FIELDS, VIEW_PASSPORT)
        # A person's data on request: their record (and photo), the documents naming them.
        member_data_section("member", personal_data.member_records, personal_data.member_files)
        member_data_section("documents", personal_data.document_records)
