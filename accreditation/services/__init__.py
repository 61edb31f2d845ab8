"""Every write of accreditation. One module per flow; import from here or from the module."""

from accreditation.models import FIRST_BADGE_NUMBER
from accreditation.services.badges import (
    badge_hand_over,
    badge_issue,
    badge_issue_many,
    badge_reprint,
    badge_revoke,
    badge_version_revoke,
)
from accreditation.services.printing import (
    BATCH_RENDER_IN_REQUEST,
    badge_batch_is_stuck,
    badge_batch_may_render_again,
    badge_batch_render,
    badge_batch_render_again,
    badge_batch_requeue_stuck,
    badge_print_accreditations,
    badge_print_batch,
)
from accreditation.services.review import (
    accreditation_approve,
    accreditation_approve_many,
    accreditation_reject,
    accreditation_return,
    accreditation_start_review,
)
from accreditation.services.submission import (
    SubmissionError,
    SubmissionResult,
    delegation_submit,
    submission_plan,
)
from accreditation.services.vetting import (
    accreditation_clear,
    accreditation_record_vetting_view,
    accreditation_refuse,
    member_record_photo_view,
)
from accreditation.workflow import AccreditationError

__all__ = [
    "BATCH_RENDER_IN_REQUEST",
    "FIRST_BADGE_NUMBER",
    "AccreditationError",
    "SubmissionError",
    "SubmissionResult",
    "accreditation_approve",
    "accreditation_approve_many",
    "accreditation_clear",
    "accreditation_record_vetting_view",
    "accreditation_refuse",
    "accreditation_reject",
    "accreditation_return",
    "accreditation_start_review",
    "badge_batch_render",
    "badge_batch_is_stuck",
    "badge_batch_may_render_again",
    "badge_batch_render_again",
    "badge_batch_requeue_stuck",
    "badge_hand_over",
    "badge_issue",
    "badge_issue_many",
    "badge_print_accreditations",
    "badge_print_batch",
    "badge_reprint",
    "badge_revoke",
    "badge_version_revoke",
    "delegation_submit",
    "member_record_photo_view",
    "submission_plan",
]
