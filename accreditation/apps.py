from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self):
        from accreditation import personal_data
        from accreditation.permissions import VET
        from hanoi_summit.core.admin import restrict_fields
        from hanoi_summit.core.personal_data import member_data_section

        # Security's notes are security's: no admin filters or searches on them either.
        restrict_fields("accreditation.accreditation", ["vetting_note"], VET)
        member_data_section("accreditation", personal_data.accreditation_records)
