"""Reading a staff upload of invitations: CSV or XLSX rows of delegation code and e-mail."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import Delegation
from hanoi_summit.core.files import UploadRefused, spreadsheet_rows

MAX_ROWS = 3000
MAX_BYTES = 2 * 1024 * 1024
_HEADER_WORDS = {"code", "delegation", "delegation code", "delegation_code"}


@dataclass
class InvitationRow:
    line: int
    code: str
    email: str
    delegation: Delegation | None = None
    errors: list = field(default_factory=list)


def invitation_rows_parse(upload):
    """Read the upload into `InvitationRow`s, each with its own errors (unknown delegation,
    invalid or repeated e-mail). Raises DelegationError for an unreadable or oversized file."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DelegationError(_("The file is too large (2 MB at most)."), code="invalid_file")
    try:
        # The header and the rows, with room for blank lines.
        sheet = spreadsheet_rows(data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS + 100)
    except UploadRefused as refused:
        raise DelegationError(refused.message, code=refused.code) from refused
    cells = [["" if cell is None else str(cell) for cell in row[:2]] for row in sheet]
    return invitation_rows_check(cells)


def invitation_rows_check(cells):
    """Validate [code, e-mail] pairs (line numbers count from 1, as in a spreadsheet)."""
    rows = []
    for line, row in enumerate(cells, start=1):
        values = [str(v).strip() for v in row] + ["", ""]
        code, email = values[0], values[1].lower()
        if not code and not email:
            continue
        if line == 1 and code.lower() in _HEADER_WORDS:
            continue
        rows.append(InvitationRow(line=line, code=code, email=email))
    if not rows:
        raise DelegationError(_("The file holds no rows."), code="invalid_file")
    if len(rows) > MAX_ROWS:
        raise DelegationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS}, code="invalid_file")
    delegations = {d.code.lower(): d for d in Delegation.objects.filter(code__in={r.code for r in rows})}
    delegations |= {
        d.code.lower(): d
        for d in Delegation.objects.filter(code__in={r.code.lower() for r in rows} - set(delegations))
    }
    seen = set()
    for row in rows:
        row.delegation = delegations.get(row.code.lower())
        if row.delegation is None:
            row.errors.append(_("Unknown delegation code “%(code)s”.") % {"code": row.code})
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email})
        key = (row.code.lower(), row.email)
        if key in seen:
            row.errors.append(_("This row repeats an earlier one."))
        seen.add(key)
    return rows
