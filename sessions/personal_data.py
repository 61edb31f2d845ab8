"""The programme's share of a person's data (hanoi_summit/core/personal_data.py): bookings,
requests to speak, gala invitations, and the signature they make for their delegation."""

from hanoi_summit.core.personal_data import record_of
from sessions.models import Booking, GalaInvitation, Signature, SpeakerRequest


def programme_records(member):
    return {
        "bookings": [
            record_of(b, ("session", "status", "created_at", "updated_at"))
            for b in Booking.objects.filter(member=member).select_related("session").order_by("created_at")
        ],
        "speaker_requests": [
            record_of(r, ("session", "level", "status", "position", "requested_at"))
            for r in SpeakerRequest.objects.filter(speaker=member)
            .select_related("session")
            .order_by("requested_at")
        ],
        "gala_invitations": [
            record_of(
                g, ("session", "status", "guest_allowed", "guest_name", "dietary_needs", "responded_at")
            )
            for g in GalaInvitation.objects.filter(member=member).select_related("session").order_by("id")
        ],
        "signatures": [
            record_of(s, ("basis", "full_powers_status", "confirmed_at", "slot_starts_at", "signed_at"))
            for s in Signature.objects.filter(signatory=member).order_by("id")
        ],
    }
