"""What each background document is: the exports in CSV and XLSX, and the List of
Participants. A kind knows who may ask for it, how to check the filters it is asked with,
how many rows it has (the progress bar's total) and how to write itself to a file."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from hanoi_summit.core import files
from hanoi_summit.secretariat.exports.filters import export_filter
from hanoi_summit.secretariat.exports.specs import EXPORTS, FORMATS, PASSPORT_PERMISSION
from hanoi_summit.secretariat.exports.writers import export_filename, write_export

PDF_CONTENT_TYPE = "application/pdf"
CONTENT_TYPES = {"csv": files.CSV_CONTENT_TYPE, "xlsx": files.XLSX_CONTENT_TYPE}
#: The admin action's selection: row ids rather than the changelist's query string.
SELECTION_PARAM = "ids"


class ExportKind:
    """An export (members, badges...) in one format."""

    def __init__(self, spec, fmt):
        self.export, self.fmt = spec.kind, fmt
        self.name = f"{spec.kind}.{fmt}"
        self.title = format_lazy("{title} ({fmt})", title=spec.title, fmt=fmt.upper())
        self.content_type = CONTENT_TYPES[fmt]

    @property
    def spec(self):
        # Read from EXPORTS each time: the specs are the one place an export is defined.
        return EXPORTS[self.export]

    def permissions_for(self, user):
        """The permissions a user needs to fetch the file made for `user`: the export's, and
        the passport permission if `user` holds it (the file then shows passport data)."""
        needed = [self.spec.permission]
        if user.has_perm(PASSPORT_PERMISSION):
            needed.append(PASSPORT_PERMISSION)
        return needed

    def queryset(self, params, user):
        """The rows asked for; raises ExportFilterError for a filter the export refuses."""
        if SELECTION_PARAM in params:
            return self.spec.queryset().filter(pk__in=params[SELECTION_PARAM])
        return export_filter(self.spec, params, user)

    def total(self, params, user):
        return self.queryset(params, user).count()

    def filename(self):
        return export_filename(self.spec, self.fmt)

    def write(self, params, user, path, on_progress):
        queryset = self.queryset(params, user)
        write_export(
            self.spec, queryset, user, self.fmt, path, on_progress=lambda done: on_progress(done, None)
        )


class ParticipantsKind:
    """The official List of Participants (PDF), the same for everyone who may see it."""

    name = "participants.pdf"
    title = gettext_lazy("List of Participants (PDF)")
    content_type = PDF_CONTENT_TYPE
    permissions = ("delegations.view_delegation", "delegations.view_member")

    def permissions_for(self, user):
        return list(self.permissions)

    def total(self, params, user):
        """The delegations listed: the writer reports its progress in delegations."""
        from hanoi_summit.secretariat.participants_pdf import listed_delegations

        return listed_delegations().count()

    def filename(self):
        return "list-of-participants.pdf"

    def write(self, params, user, path, on_progress):
        # reportlab is imported only when the PDF is made, not with every /dashboard/ page.
        from hanoi_summit.secretariat.participants_pdf import write_participants_pdf

        write_participants_pdf(path, on_progress=on_progress)


KINDS = {
    kind.name: kind
    for kind in (
        *(ExportKind(spec, fmt) for spec in EXPORTS.values() for fmt in FORMATS),
        ParticipantsKind(),
    )
}


def export_kind(kind, fmt):
    return KINDS.get(f"{kind}.{fmt}")
