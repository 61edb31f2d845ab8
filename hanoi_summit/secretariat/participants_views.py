"""/dashboard/participants.pdf: the official List of Participants (laid out by participants_pdf)."""

from django.http import HttpResponse

from hanoi_summit.core.access import all_perms_required


@all_perms_required("delegations.view_delegation", "delegations.view_member")
def participants_pdf(request):
    """The official List of Participants, as a PDF."""
    # reportlab is imported only when the PDF is asked for, not with every /dashboard/ page.
    from hanoi_summit.secretariat import participants_pdf as participants

    response = HttpResponse(participants.participants_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="list-of-participants.pdf"'
    return response
