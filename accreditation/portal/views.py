"""The portal's accreditation pages: the Members page and the status page, each member with
their status, and submission.

Written over the delegations portal (same access rule: `focal_point_required`); the page
reads each member's accreditation through one join.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation.models import AccreditationStatus
from accreditation.presentation import accreditation_display
from accreditation.selectors import delegation_members_with_status
from accreditation.services.submission import SubmissionError, delegation_submit, submission_plan
from delegations.access import focal_point_required
from delegations.api.views import IsFocalPoint
from delegations.selectors import delegation_members
from hanoi_summit.core.http import site_url


def _rows(members):
    rows = []
    for member in members:
        accreditation = getattr(member, "accreditation", None)
        shown = accreditation_display(accreditation)
        rows.append(
            {
                "member": member,
                "status": shown.code,
                "status_label": shown.label,
                "badge": shown.tone,
                "reason": accreditation.decision_reason if shown.code == AccreditationStatus.RETURNED else "",
            }
        )
    return rows


@focal_point_required
def member_list(request):
    """The portal's Members page, each member with their true accreditation status.

    It is served here rather than by delegations.portal because the delegations layer may not
    read accreditation; the root URLconf mounts it in the portal's namespace.
    """
    query = request.GET.get("q", "").strip()[:100]
    members = delegation_members_with_status(delegation=request.delegation, query=query)
    # The quota figure counts everyone, whatever the search shows.
    total = delegation_members(delegation=request.delegation).count() if query else len(members)
    return render(
        request,
        "portal/member_list.html",
        {
            "rows": _rows(members),
            "members": members,
            "member_total": total,
            "query": query,
            "delegation": request.delegation,
        },
    )


@focal_point_required
@require_http_methods(["GET", "POST"])
def status_page(request):
    delegation = request.delegation
    if request.method == "POST":
        try:
            result = delegation_submit(delegation=delegation, actor=request.user, site_url=site_url(request))
        except SubmissionError as error:
            if error.code != "incomplete":
                messages.warning(request, error.message)
                return redirect("portal_accreditation:status")
            messages.error(request, error.message)
        else:
            n = len(result.submitted)
            messages.success(
                request,
                ngettext(
                    "%(n)s member submitted for accreditation. A confirmation e-mail is on its way.",
                    "%(n)s members submitted for accreditation. A confirmation e-mail is on its way.",
                    n,
                )
                % {"n": n},
            )
            return redirect("portal_accreditation:status")
    members = delegation_members_with_status(delegation=delegation)
    to_submit, unchanged, missing = submission_plan(delegation=delegation, members=members)
    rows = _rows(members)
    for row in rows:
        row["missing"] = missing.get(row["member"], [])
        row["will_submit"] = row["member"] in to_submit
        row["unchanged"] = row["member"] in unchanged
    return render(
        request,
        "portal/accreditation_status.html",
        {
            "delegation": delegation,
            "rows": rows,
            "to_submit": to_submit,
            "delegation_missing": missing.get("delegation", []),
            "can_submit": bool(to_submit) and not missing,
        },
    )


class MemberStatusOutput(serializers.Serializer):
    member_id = serializers.IntegerField(source="member.pk")
    name = serializers.CharField(source="member.display_name")
    status = serializers.CharField()
    status_label = serializers.CharField()
    reason = serializers.CharField()


class StatusView(APIView):
    """Every member of the caller's delegation with their accreditation status."""

    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]

    @extend_schema(responses=MemberStatusOutput(many=True))
    def get(self, request):
        rows = _rows(delegation_members_with_status(delegation=request.delegation))
        return Response(MemberStatusOutput(rows, many=True).data)


class SubmitView(APIView):
    """Submit the delegation's new or changed members for accreditation."""

    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "SubmitResult", {"submitted": serializers.ListField(), "unchanged": serializers.ListField()}
            )
        },
    )
    def post(self, request):
        try:
            result = delegation_submit(
                delegation=request.delegation, actor=request.user, site_url=site_url(request)
            )
        except SubmissionError as error:
            body = {"code": error.code, "detail": error.message}
            if error.missing:
                body["errors"] = {
                    ("delegation" if key == "delegation" else f"member:{key.pk}"): [str(m) for m in value]
                    for key, value in error.missing.items()
                }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"submitted": [m.pk for m in result.submitted], "unchanged": [m.pk for m in result.unchanged]}
        )
