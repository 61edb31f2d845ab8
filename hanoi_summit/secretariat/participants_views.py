"""/dashboard/participants.pdf: start the official List of Participants (laid out by
participants_pdf) in the background; the answer is its document page."""

from hanoi_summit.core.access import all_perms_required
from hanoi_summit.secretariat.documents.kinds import ParticipantsKind
from hanoi_summit.secretariat.documents.views import start_and_show


@all_perms_required(*ParticipantsKind.permissions)
def participants_pdf(request):
    """The official List of Participants, as a PDF made in the background."""
    return start_and_show(request, kind=ParticipantsKind.name, params={})
