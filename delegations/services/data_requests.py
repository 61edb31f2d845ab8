"""A person's data, on request: the audit of its download (the archive itself is
hanoi_summit/core/personal_data.py's)."""

from hanoi_summit.core.audit import audit_record


def member_data_export_record(*, member, actor):
    """Write to the audit trail that `actor` downloaded everything held about `member`."""
    return audit_record(actor=actor, action="member.data_export", target=member)
