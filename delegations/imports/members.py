"""Bulk import of a delegation's members from a CSV or XLSX file: read, check, save all or nothing.

Reading turns the upload into plain rows of text cells (JSON-able, so a preview can keep them
in the session); checking gives every row its own errors under exactly the rules of a member
added by hand (the portal form's fields, then `services.member_rules_check`); saving re-checks
everything under the delegation's row lock and writes every member or none.
"""

import contextlib
import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from delegations import services
from delegations.errors import DelegationError
from delegations.forms import MemberForm
from delegations.models import (
    Delegation,
    Member,
    MemberRole,
    family_name_first_for,
    passport_normalise,
    person_name_of,
)
from delegations.selectors import passports_registered
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.files import UploadRefused, csv_bytes, spreadsheet_rows, xlsx_bytes

#: The file's columns, in the template's order: every member field (`services.MEMBER_FIELDS`),
#: the names as in the passport first, the language of e-mails last.
_LEADING_COLUMNS = ("family_name", "given_names", "badge_name")
_TRAILING_COLUMNS = ("language",)
#: Not a column: the name order comes from each member's nationality, changed in the portal if
#: need be (the files already in use keep their columns).
_DERIVED_FIELDS = ("family_name_first",)
COLUMNS = (
    *_LEADING_COLUMNS,
    *(f for f in services.MEMBER_FIELDS if f not in _LEADING_COLUMNS + _TRAILING_COLUMNS + _DERIVED_FIELDS),
    *_TRAILING_COLUMNS,
)
EXAMPLE_ROW = {
    "family_name": "NGUYEN",
    "given_names": "Thi Lan",
    "badge_name": "Ms Nguyen Thi Lan",
    "title": "Ms",
    "function": "Director, Department of Cybersecurity",
    "protocol_rank": "Other",
    "role": "delegate",
    "gender": "female",
    "date_of_birth": "1980-05-17",
    "nationality": "VNM",
    "passport_number": "C1234567",
    "passport_expiry": "2031-12-31",
    "email": "lan.nguyen@example.org",
    "phone": "+84 24 0000 0000",
    "arrival": "2025-10-24 14:30",
    "departure": "2025-10-27 10:00",
    "dietary_needs": "vegetarian",
    "accessibility_needs": "",
    "language": "en",
}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
#: Rows the reader goes through: the header and the members, with room for blank lines.
_MAX_LINES = MAX_ROWS + 100
_DATE_COLUMNS = {"date_of_birth", "passport_expiry"}
_DATETIME_COLUMNS = {"arrival", "departure"}
_CHOICE_COLUMNS = ("protocol_rank", "role", "gender", "language")
_MEMO_COLUMNS = {*_CHOICE_COLUMNS, "nationality"}
_DEFAULTED_COLUMNS = {"protocol_rank", "role", "language"}
#: Rows go to the database in a few large INSERTs (SQLite caps each at 999 parameters).
_BATCH_SIZE = 1000


@dataclass
class ImportRow:
    #: The row's number in the spreadsheet (the header is row 1).
    line: int
    cells: dict
    #: The member's cleaned data, or None when the row has errors.
    values: dict | None = None
    #: (column or "", message) pairs.
    errors: list = field(default_factory=list)
    #: The passport number as it would be stored, even when the row has errors.
    passport: str = ""

    @property
    def name(self):
        family_first = (
            self.values["family_name_first"]
            if self.values
            else family_name_first_for(self.cells.get("nationality", ""))
        )
        return person_name_of(
            self.cells.get("family_name", ""), self.cells.get("given_names", ""), family_first
        )

    @property
    def role_label(self):
        return MemberRole(self.values["role"]).label if self.values else ""

    @property
    def nationality_name(self):
        return countries.name(self.values["nationality"]) if self.values else ""


@dataclass
class ImportPreview:
    delegation: Delegation
    rows: list
    existing: int
    #: A refusal that concerns the whole file (the badge quota), or "".
    file_error: str = ""

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def ok(self):
        return not self.file_error and not self.error_rows

    @property
    def without_photo(self):
        """Rows whose member will need a photo uploaded in the portal (Member.photo_exempt)."""
        return [row for row in self.rows if row.values and not Member(**row.values).photo_exempt]


# --- Reading ----------------------------------------------------------------------------


def _header_name(cell):
    return str(cell or "").strip().lower().replace(" ", "_").replace("-", "_")


def _cell_text(column, value):
    """A spreadsheet cell as the text a CSV would hold (Excel dates and numbers included)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float) and (column in _DATE_COLUMNS or column in _DATETIME_COLUMNS):
        from openpyxl.utils.datetime import from_excel

        # A date typed into a cell without a date format arrives as Excel's serial number.
        with contextlib.suppress(ValueError, TypeError, OverflowError):
            value = from_excel(value)
    if isinstance(value, dt.datetime):
        if column in _DATE_COLUMNS:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def member_import_read(upload):
    """Read an uploaded CSV or XLSX file into rows: [{"line": n, <column>: text, ...}, ...].

    The format is told by content, not by name. Raises DelegationError (code "invalid_file" or
    "invalid_columns") for a file that is too large, unreadable, empty, or whose header does not
    name exactly the template's columns.
    """
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DelegationError(
            _("The file is too large (%(mb)s MB at most).") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="invalid_file",
        )
    try:
        sheet = spreadsheet_rows(data, max_bytes=MAX_BYTES, max_rows=_MAX_LINES)
    except UploadRefused as refused:
        raise DelegationError(refused.message, code=refused.code) from refused
    lines = [(line, row) for line, row in enumerate(sheet, start=1) if any(_cell_text("", c) for c in row)]
    if not lines:
        raise DelegationError(_("The file is empty."), code="invalid_file")
    header_line, header = lines[0]
    names = [_header_name(cell) for cell in header]
    while names and not names[-1]:
        names.pop()
    _columns_check(names)
    rows = []
    for line, row in lines[1:]:
        cells = {"line": line}
        for index, column in enumerate(names):
            cells[column] = _cell_text(column, row[index]) if index < len(row) else ""
        rows.append(cells)
    if not rows:
        raise DelegationError(_("The file has a header but no members."), code="invalid_file")
    if len(rows) > MAX_ROWS:
        raise DelegationError(_("At most %(n)s members per file.") % {"n": MAX_ROWS}, code="invalid_file")
    return rows


def _columns_check(names):
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n or _("(empty)") for n in names if n not in COLUMNS]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        raise DelegationError(
            _("The first row must name the template's columns; %(problems)s. Nothing was saved.")
            % {"problems": "; ".join(problems)},
            code="invalid_columns",
        )


# --- Checking ---------------------------------------------------------------------------


def _choice_lookup(form_field):
    """Code, English label and label in the current language, all lower case, -> code."""
    lookup = {}
    for code, label in form_field.choices:
        if code == "":
            continue
        lookup[str(code).lower()] = code
        # Labels as the template shows them (English) and as the user reads them.
        lookup[str(label).lower()] = code
        with translation.override("en"):
            lookup[str(label).lower()] = code
    return lookup


class _Cleaner:
    """The portal form's fields, made once and applied to every row (forms per row are slow)."""

    def __init__(self):
        self.fields = MemberForm().fields
        self.choices = {column: _choice_lookup(self.fields[column]) for column in _CHOICE_COLUMNS}
        self.countries = {}
        self.memo = {}

    def country(self, text):
        key = text.strip().lower()
        if key not in self.countries:
            self.countries[key] = countries.alpha2(key) or countries.by_name(text.strip()) or text.strip()
        return self.countries[key]

    def field_clean(self, column, text):
        if column not in _MEMO_COLUMNS:
            return self.fields[column].clean(text)
        # A choice field scans all its choices (250 countries) per value: remember the few
        # distinct values instead.
        key = (column, text)
        if key not in self.memo:
            try:
                self.memo[key] = self.fields[column].clean(text)
            except ValidationError as error:
                self.memo[key] = error
        if isinstance(self.memo[key], ValidationError):
            raise self.memo[key]
        return self.memo[key]

    def clean(self, cells, errors):
        cleaned = {}
        for column in COLUMNS:
            text = str(cells.get(column) or "")
            if not text and column in _DEFAULTED_COLUMNS:
                # The portal form starts with the model's default; an empty cell means the same.
                text = str(Member._meta.get_field(column).get_default())
            if column in self.choices and text:
                text = self.choices[column].get(text.strip().lower(), text)
            elif column == "nationality" and text:
                text = self.country(text)
            try:
                cleaned[column] = self.field_clean(column, text)
            except ValidationError as error:
                errors.append((column, " ".join(error.messages)))
        return cleaned


def member_import_check(*, delegation, rows):
    """Check every row (from `member_import_read`) as if each member were added by hand.

    Row errors: a field the portal form refuses, a rule of `services.member_rules_check`, a passport
    already in the event or earlier in the file, a second head of delegation. A file beyond the
    badge quota gets a `file_error`. Reads in two queries whatever the number of rows.
    """
    cleaner = _Cleaner()
    blank = Member(delegation=delegation)
    checked = []
    for cells in rows:
        row = ImportRow(line=cells.get("line", 0), cells=cells)
        cleaned = cleaner.clean(cells, row.errors)
        # Normalised as the service does, so duplicates show up even on rows with other errors.
        row.passport = passport_normalise(cells.get("passport_number", ""))
        if not row.errors:
            values = services.member_values_clean(cleaned)
            # Uniqueness is checked below for all rows in one query, not once per row.
            probe = dict(values, passport_number="", role=MemberRole.DELEGATE)
            try:
                services.member_rules_check(delegation=delegation, member=blank, values=probe)
            except DelegationError as error:
                row.errors.append((error.field or "", error.message))
            else:
                values["badge_name"] = probe["badge_name"]
                values["family_name_first"] = probe["family_name_first"]
                row.values = values
        checked.append(row)
    _uniqueness_check(delegation, checked)
    counts = Member.objects.filter(delegation=delegation).aggregate(
        total=Count("pk"), heads=Count("pk", filter=Q(role=MemberRole.HEAD))
    )
    _head_check(checked, has_head=bool(counts["heads"]))
    for row in checked:
        if row.errors:
            row.values = None
    preview = ImportPreview(delegation=delegation, rows=checked, existing=counts["total"])
    if counts["total"] + len(checked) > delegation.badge_quota:
        preview.file_error = _(
            "The delegation's badge quota is %(quota)s members: it has %(existing)s and the file adds "
            "%(n)s. Remove %(over)s rows, or ask the secretariat to raise the quota."
        ) % {
            "quota": delegation.badge_quota,
            "existing": counts["total"],
            "n": len(checked),
            "over": counts["total"] + len(checked) - delegation.badge_quota,
        }
    return preview


def _uniqueness_check(delegation, rows):
    numbers = {row.passport for row in rows if row.passport}
    registered = passports_registered(numbers=numbers)
    first_line = {}
    for row in rows:
        number = row.passport
        if not number:
            continue
        if number in registered:
            row.errors.append(
                ("passport_number", _("This passport number is already registered for the event."))
            )
        elif number in first_line:
            row.errors.append(
                (
                    "passport_number",
                    _("The same passport number is on row %(line)s.") % {"line": first_line[number]},
                )
            )
        else:
            first_line[number] = row.line


def _head_check(rows, *, has_head):
    head_line = None
    for row in rows:
        if not row.values or row.values["role"] != MemberRole.HEAD:
            continue
        if has_head:
            row.errors.append(("role", _("The delegation already has a head of delegation.")))
        elif head_line is not None:
            row.errors.append(
                ("role", _("Row %(line)s already names the head of delegation.") % {"line": head_line})
            )
        else:
            head_line = row.line


# --- Saving -----------------------------------------------------------------------------


@transaction.atomic
def members_import(*, delegation, rows, actor):
    """Add every member of `rows` (from `member_import_read`) to `delegation`, or none.

    Everything is checked again under the delegation's row lock (the quota, passports in the
    event and in the file, one head): rows kept since the preview may have gone stale. Refused
    with code "invalid_rows" or "quota_exceeded", or "conflict" if a concurrent write took a
    passport. Photos are not imported. Side effects: the members; one audit entry on the
    delegation. Returns the preview of what was saved.
    """
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    preview = member_import_check(delegation=delegation, rows=rows)
    if preview.file_error:
        raise DelegationError(preview.file_error, code="quota_exceeded")
    if preview.error_rows:
        raise DelegationError(
            _("%(n)s rows have errors; nothing was saved.") % {"n": len(preview.error_rows)},
            code="invalid_rows",
        )
    members = [Member(delegation=delegation, **row.values) for row in preview.rows]
    for member in members:
        member.search_name_refresh()  # bulk_create skips Member.save()
    try:
        with transaction.atomic():
            Member.objects.bulk_create(members, batch_size=_BATCH_SIZE)
    except IntegrityError as exc:
        raise DelegationError(
            _("A passport number or the head of delegation was registered meanwhile; nothing was saved."),
            code="conflict",
        ) from exc
    audit_record(
        actor=actor,
        action="member.import",
        target=delegation,
        after={"members": len(members)},
        note=f"{len(members)} members imported",
    )
    return preview


# --- Template ---------------------------------------------------------------------------


def member_import_template_csv():
    """The template as UTF-8 CSV bytes (with a BOM, so Excel reads accents right)."""
    return csv_bytes([COLUMNS, [EXAMPLE_ROW[c] for c in COLUMNS]])


def member_import_template_xlsx():
    """The template as XLSX bytes: header, one example row, dates as text so they stay ISO."""
    return xlsx_bytes(
        [COLUMNS, [EXAMPLE_ROW[c] for c in COLUMNS]],
        title="members",
        column_widths=[max(14, len(column) + 4) for column in COLUMNS],
    )
