"""The models of the `hanoi_summit` app label, defined in the core (the outbox and the audit
trail are the core's): Django finds them here, under their app label and tables."""

from hanoi_summit.core.models import AuditEntry, DocumentJob, EmailStatus, OutgoingEmail, SignInAccount

__all__ = ["AuditEntry", "DocumentJob", "EmailStatus", "OutgoingEmail", "SignInAccount"]
