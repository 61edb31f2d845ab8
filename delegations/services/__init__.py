"""Every write of the delegations app. One module per area; import from here.

Services are atomic, take keyword-only arguments (the acting user is `actor`) and raise
`DelegationError` with a code (and the form field it concerns, when there is one). Views,
forms and the API only call them. The member import's write is `imports.members.members_import`.
"""

from delegations.services.delegation import (
    DELEGATION_ORGANISATION_FIELDS,
    DELEGATION_STATE_FIELDS,
    OFFICIAL_FIELDS,
    SECRETARIAT_FIELDS,
    delegation_create,
    delegation_delete,
    delegation_editable_fields,
    delegation_proposal_accept,
    delegation_secretariat_check,
    delegation_secretariat_update,
    delegation_update,
)
from delegations.services.documents import (
    document_clean,
    document_delete,
    document_upload,
    document_view_record,
)
from delegations.services.invitations import (
    focal_point_remove,
    invitation_accept,
    invitation_create,
    invitation_digest,
    invitation_find,
    invitation_resend,
    invitation_revoke,
    invitations_import,
)
from delegations.services.members import (
    MEMBER_FIELDS,
    member_create,
    member_delete,
    member_locked_check,
    member_photo_set,
    member_photo_view_record,
    member_quota_check,
    member_rules_check,
    member_update,
    member_values_clean,
)

__all__ = [
    "DELEGATION_ORGANISATION_FIELDS",
    "DELEGATION_STATE_FIELDS",
    "MEMBER_FIELDS",
    "OFFICIAL_FIELDS",
    "SECRETARIAT_FIELDS",
    "delegation_create",
    "delegation_delete",
    "delegation_editable_fields",
    "delegation_proposal_accept",
    "delegation_secretariat_check",
    "delegation_secretariat_update",
    "delegation_update",
    "document_clean",
    "document_delete",
    "document_upload",
    "document_view_record",
    "focal_point_remove",
    "invitation_accept",
    "invitation_create",
    "invitation_digest",
    "invitation_find",
    "invitation_resend",
    "invitation_revoke",
    "invitations_import",
    "member_create",
    "member_delete",
    "member_locked_check",
    "member_photo_set",
    "member_photo_view_record",
    "member_quota_check",
    "member_rules_check",
    "member_update",
    "member_values_clean",
]
