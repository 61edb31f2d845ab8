"""Every write of the programme. One module per area; import from here."""

from sessions.services.bookings import booking_cancel, booking_request
from sessions.services.cancellation import session_cancel
from sessions.services.gala import gala_invite_heads, gala_respond
from sessions.services.signing import (
    full_powers_refuse,
    full_powers_upload,
    full_powers_verify,
    signature_declare,
    signature_record,
    signing_order_generate,
)
from sessions.services.speakers import (
    speaker_request_create,
    speaker_request_withdraw,
    speakers_list_close,
    speakers_list_move,
)

__all__ = [
    "booking_cancel",
    "booking_request",
    "full_powers_refuse",
    "full_powers_upload",
    "full_powers_verify",
    "session_cancel",
    "gala_invite_heads",
    "gala_respond",
    "signature_declare",
    "signature_record",
    "signing_order_generate",
    "speaker_request_create",
    "speaker_request_withdraw",
    "speakers_list_close",
    "speakers_list_move",
]
