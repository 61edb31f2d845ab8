"""Review and vetting over the API: the same queues and decisions as the officers' pages.

Each operation is one small view with its own input serializer; services make the change,
and their AccreditationError becomes a 400 with its code (hanoi_summit.core.api).
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accreditation import selectors, services
from accreditation.models import Accreditation, Category, Zone
from accreditation.permissions import REVIEW, VET
from accreditation.workflow import REVIEW_QUEUE, VETTING_QUEUE
from delegations.models import DelegationKind
from hanoi_summit.core.api import HasPerm, row_id_field
from hanoi_summit.core.api_input import LimitOffsetPagination

# --- output -----------------------------------------------------------------------------------


class _DelegationOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()


class _ReviewMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    family_name = serializers.CharField()
    given_names = serializers.CharField()
    badge_name = serializers.CharField()
    function = serializers.CharField()
    role = serializers.CharField()
    protocol_rank = serializers.IntegerField()
    has_photo = serializers.SerializerMethodField()
    delegation = _DelegationOut()

    def get_has_photo(self, member) -> bool:
        return bool(member.photo)


class _CategoryCode(serializers.Serializer):
    category = serializers.SerializerMethodField()

    def get_category(self, accreditation) -> str | None:
        return accreditation.category.code if accreditation.category else None


class ReviewOut(_CategoryCode):
    id = serializers.IntegerField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    member = _ReviewMemberOut()


class _VettingMemberListOut(serializers.Serializer):
    family_name = serializers.CharField()
    given_names = serializers.CharField()
    nationality = serializers.CharField(source="nationality.code")
    delegation = serializers.CharField(source="delegation.name")


class VettingListOut(_CategoryCode):
    id = serializers.IntegerField()
    status = serializers.CharField()
    member = _VettingMemberListOut()


class _VettingMemberOut(_VettingMemberListOut):
    date_of_birth = serializers.DateField()
    passport_number = serializers.CharField()
    passport_expiry = serializers.DateField()


class VettingOut(VettingListOut):
    member = _VettingMemberOut()


# --- input ------------------------------------------------------------------------------------


class QueueFilterIn(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    delegation = row_id_field(required=False)
    kind = serializers.ChoiceField(choices=DelegationKind.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False
    )
    status = serializers.CharField(required=False)
    missing_photo = serializers.BooleanField(required=False)


class ApproveIn(serializers.Serializer):
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False, allow_null=True
    )
    zones = serializers.SlugRelatedField(
        slug_field="code", queryset=Zone.objects.all(), many=True, required=False, allow_null=True
    )


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- views ------------------------------------------------------------------------------------


def _filters(request, statuses):
    incoming = QueueFilterIn(data=request.query_params)
    incoming.is_valid(raise_exception=True)
    filters = dict(incoming.validated_data)
    if filters.get("status") and filters["status"] not in statuses:
        raise serializers.ValidationError({"status": [f"One of: {', '.join(sorted(statuses))}."]})
    return filters


def _accreditation(pk, selector=selectors.accreditation_for_review):
    try:
        return selector(pk=pk)
    except Accreditation.DoesNotExist:
        raise Http404 from None


class _Queue(APIView):
    statuses = ()
    output = None
    # Also tells the schema that the answer is a page (count, next, previous, results).
    pagination_class = LimitOffsetPagination

    def get(self, request):
        queryset = self.selector(filters=_filters(request, self.statuses))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(self.output(page, many=True).data)


class ReviewQueueView(_Queue):
    """Requests waiting for an accreditation officer, oldest first."""

    permission_classes = [HasPerm(REVIEW)]
    statuses = {str(s) for s in REVIEW_QUEUE}
    output = ReviewOut
    selector = staticmethod(selectors.review_queue)

    @extend_schema(parameters=[QueueFilterIn], responses=ReviewOut(many=True))
    def get(self, request):
        return super().get(request)


class VettingQueueView(_Queue):
    """People approved by the secretariat and waiting for security, oldest first."""

    permission_classes = [HasPerm(VET)]
    statuses = {str(s) for s in VETTING_QUEUE}
    output = VettingListOut
    selector = staticmethod(selectors.vetting_queue)

    @extend_schema(parameters=[QueueFilterIn], responses=VettingListOut(many=True))
    def get(self, request):
        return super().get(request)


class VettingRecordView(APIView):
    """One person's vetting data; every read is written to the audit trail."""

    permission_classes = [HasPerm(VET)]

    @extend_schema(responses=VettingOut)
    def get(self, request, pk):
        accreditation = _accreditation(pk, selectors.accreditation_for_vetting)
        services.accreditation_record_vetting_view(accreditation=accreditation, actor=request.user)
        return Response(VettingOut(accreditation).data)


class _Decision(APIView):
    input = None
    output = ReviewOut

    def post(self, request, pk):
        accreditation = _accreditation(pk)
        incoming = self.input(data=request.data)
        incoming.is_valid(raise_exception=True)
        result = self.decide(accreditation, request.user, incoming.validated_data)
        return Response(self.output(result).data)


class ApproveView(_Decision):
    """Approve with a category and zones (codes); omitted ones come from the rules."""

    permission_classes = [HasPerm(REVIEW)]
    input = ApproveIn

    @extend_schema(request=ApproveIn, responses=ReviewOut)
    def post(self, request, pk):
        return super().post(request, pk)

    def decide(self, accreditation, actor, data):
        return services.accreditation_approve(
            accreditation=accreditation, actor=actor, category=data.get("category"), zones=data.get("zones")
        )


class ReturnView(_Decision):
    """Return for changes with a reason (e-mailed to the focal point)."""

    permission_classes = [HasPerm(REVIEW)]
    input = ReasonIn

    @extend_schema(request=ReasonIn, responses=ReviewOut)
    def post(self, request, pk):
        return super().post(request, pk)

    def decide(self, accreditation, actor, data):
        return services.accreditation_return(accreditation=accreditation, actor=actor, reason=data["reason"])


class RejectView(ReturnView):
    """Reject with a reason (final)."""

    def decide(self, accreditation, actor, data):
        return services.accreditation_reject(accreditation=accreditation, actor=actor, reason=data["reason"])


class ClearView(_Decision):
    """Security clears the person."""

    permission_classes = [HasPerm(VET)]
    input = NoteIn
    output = VettingListOut

    @extend_schema(request=NoteIn, responses=VettingListOut)
    def post(self, request, pk):
        return super().post(request, pk)

    def decide(self, accreditation, actor, data):
        return services.accreditation_clear(accreditation=accreditation, actor=actor, note=data["note"])


class RefuseView(ClearView):
    """Security refuses the person (a note is required); any badge is revoked at once."""

    def decide(self, accreditation, actor, data):
        return services.accreditation_refuse(accreditation=accreditation, actor=actor, note=data["note"])
