"""The programme's API: public sessions; bookings, speaker requests and signing for focal
points (scoped to their delegation); the signing desk for protocol.

One view per operation with small input and output serializers; the services decide.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from delegations.api.views import IsFocalPoint
from delegations.selectors import delegation_members
from hanoi_summit.core.api import HasPerm, row_id_field
from hanoi_summit.core.clock import event_now
from sessions import selectors, services
from sessions.errors import ProgrammeError
from sessions.models import Booking, Session, SessionKind, Signature, SigningBasis, SpeakerRequest

FOCAL = [permissions.IsAuthenticated, IsFocalPoint]


# --- Sessions (public) -----------------------------------------------------------------


class SessionRoleOutput(serializers.Serializer):
    role = serializers.CharField()
    name = serializers.CharField(source="display_name")
    affiliation = serializers.CharField()


class SessionOutput(serializers.ModelSerializer):
    room = serializers.CharField(source="room.name")
    venue = serializers.CharField(source="room.venue.name")
    seats = serializers.IntegerField()
    roles = SessionRoleOutput(many=True)

    class Meta:
        model = Session
        fields = (
            "id", "uid", "slug", "kind", "title", "theme", "description", "starts_at", "ends_at",
            "room", "venue", "seats", "per_delegation_cap", "booking_mode", "is_cancelled", "roles",
        )  # fmt: skip


class SessionFilter(serializers.Serializer):
    day = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=SessionKind.choices, required=False)
    room = row_id_field(required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("day", str, description="A day of the event, YYYY-MM-DD (Hanoi time)"),
        OpenApiParameter("kind", str, enum=SessionKind.values),
        OpenApiParameter("room", int),
    ]
)
class SessionListView(ListAPIView):
    """The public programme: no login needed."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = SessionOutput

    def get_queryset(self):
        filters = SessionFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.public_sessions(**filters.validated_data)


class SessionDetailView(RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    serializer_class = SessionOutput
    lookup_field = "uid"

    def get_queryset(self):
        return selectors.public_sessions()


# --- Bookings (focal points) ---------------------------------------------------------


class BookingOutput(serializers.ModelSerializer):
    session_title = serializers.CharField(source="session.title")
    member_name = serializers.CharField(source="member.display_name")

    class Meta:
        model = Booking
        fields = ("id", "session", "session_title", "member", "member_name", "status", "created_at")


class BookingInput(serializers.Serializer):
    session = row_id_field()
    member = row_id_field()


def _own_member(delegation, pk):
    member = delegation_members(delegation=delegation).filter(pk=pk).first()
    if member is None:
        # Another delegation's member and an unknown id look the same from outside.
        raise ProgrammeError(
            _("This person is not a member of your delegation."),
            code="member_not_in_delegation",
            field="member",
        )
    return member


class BookingListView(APIView):
    permission_classes = FOCAL

    @extend_schema(responses=BookingOutput(many=True))
    def get(self, request):
        bookings = selectors.delegation_bookings(delegation=request.delegation)
        return Response(BookingOutput(bookings, many=True).data)

    @extend_schema(request=BookingInput, responses={201: BookingOutput})
    def post(self, request):
        data = BookingInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = Session.objects.filter(pk=data.validated_data["session"]).first()
        if session is None:
            raise ProgrammeError(_("There is no such session."), code="unknown_session", field="session")
        booking = services.booking_request(
            session=session,
            member=_own_member(request.delegation, data.validated_data["member"]),
            delegation=request.delegation,
            actor=request.user,
        )
        return Response(BookingOutput(booking).data, status=status.HTTP_201_CREATED)


class BookingCancelView(APIView):
    permission_classes = FOCAL

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "BookingCancelOutput", {"booking": BookingOutput(), "promoted": BookingOutput(allow_null=True)}
        ),
    )
    def post(self, request, pk):
        booking = get_object_or_404(
            Booking.objects.select_related("member", "session"), pk=pk, member__delegation=request.delegation
        )
        promoted = services.booking_cancel(booking=booking, delegation=request.delegation, actor=request.user)
        booking.refresh_from_db()
        return Response(
            {
                "booking": BookingOutput(booking).data,
                "promoted": BookingOutput(promoted).data if promoted else None,
            }
        )


class BookableSessionsView(ListAPIView):
    """Sessions open for booking now, with the confirmed seat count."""

    permission_classes = FOCAL

    class Output(SessionOutput):
        confirmed_count = serializers.IntegerField()

        class Meta(SessionOutput.Meta):
            fields = (*SessionOutput.Meta.fields, "confirmed_count")

    serializer_class = Output

    def get_queryset(self):
        return (
            selectors.bookable_sessions(now=event_now())
            .select_related("room__venue")
            .prefetch_related("roles__member")
        )


# --- Speakers' list (focal points) ---------------------------------------------------


class SpeakerRequestOutput(serializers.ModelSerializer):
    speaker_name = serializers.CharField(source="speaker.display_name")

    class Meta:
        model = SpeakerRequest
        fields = ("id", "session", "speaker", "speaker_name", "level", "status", "requested_at", "position")


class SpeakerRequestInput(serializers.Serializer):
    session = row_id_field()
    speaker = row_id_field()


class SpeakerRequestListView(APIView):
    permission_classes = FOCAL

    @extend_schema(responses=SpeakerRequestOutput(many=True))
    def get(self, request):
        entries = selectors.delegation_speaker_requests(delegation=request.delegation)
        return Response(SpeakerRequestOutput(entries, many=True).data)

    @extend_schema(request=SpeakerRequestInput, responses={201: SpeakerRequestOutput})
    def post(self, request):
        data = SpeakerRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        session = Session.objects.filter(pk=data.validated_data["session"]).first()
        if session is None:
            raise ProgrammeError(_("There is no such session."), code="unknown_session", field="session")
        speaker = _own_member(request.delegation, data.validated_data["speaker"])
        entry = services.speaker_request_create(
            session=session, delegation=request.delegation, speaker=speaker, actor=request.user
        )
        return Response(SpeakerRequestOutput(entry).data, status=status.HTTP_201_CREATED)


class SpeakerRequestWithdrawView(APIView):
    permission_classes = FOCAL

    @extend_schema(request=None, responses=SpeakerRequestOutput)
    def post(self, request, pk):
        entry = get_object_or_404(
            SpeakerRequest.objects.select_related("speaker"), pk=pk, delegation=request.delegation
        )
        entry = services.speaker_request_withdraw(
            entry=entry, delegation=request.delegation, actor=request.user
        )
        return Response(SpeakerRequestOutput(entry).data)


# --- Signing --------------------------------------------------------------------------


class SignatureOutput(serializers.ModelSerializer):
    delegation_name = serializers.CharField(source="delegation.name")
    # None until a signatory is named (or after the named member was removed).
    signatory_name = serializers.CharField(source="signatory.display_name", default=None, allow_null=True)

    class Meta:
        model = Signature
        fields = (
            "id", "delegation", "delegation_name", "intends_to_sign", "signatory", "signatory_name", "basis",
            "full_powers_status", "full_powers_note", "confirmed_at", "slot_order", "slot_starts_at", "signed_at",
        )  # fmt: skip


class SignatureInput(serializers.Serializer):
    intends_to_sign = serializers.BooleanField(default=True)
    signatory = row_id_field()
    basis = serializers.ChoiceField(choices=SigningBasis.choices)


class OwnSignatureView(APIView):
    """The caller's delegation's declaration: who signs, on what authority, and its slot."""

    permission_classes = FOCAL

    @extend_schema(responses=SignatureOutput)
    def get(self, request):
        signature = get_object_or_404(
            Signature.objects.select_related("delegation", "signatory"), delegation=request.delegation
        )
        return Response(SignatureOutput(signature).data)

    @extend_schema(request=SignatureInput, responses=SignatureOutput)
    def put(self, request):
        data = SignatureInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = (
            delegation_members(delegation=request.delegation)
            .filter(pk=data.validated_data["signatory"])
            .first()
        )
        if member is None:
            raise ProgrammeError(
                _("The signatory must be a member of your delegation."),
                code="signatory_not_in_delegation",
                field="signatory",
            )
        signature = services.signature_declare(
            delegation=request.delegation,
            signatory=member,
            basis=data.validated_data["basis"],
            intends_to_sign=data.validated_data["intends_to_sign"],
            actor=request.user,
        )
        return Response(SignatureOutput(signature).data)


class FullPowersInput(serializers.Serializer):
    file = serializers.FileField()
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class FullPowersUploadView(APIView):
    """Upload the signatory's full powers: a PDF, checked by its content."""

    permission_classes = FOCAL
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": FullPowersInput}, responses=SignatureOutput)
    def post(self, request):
        signature = get_object_or_404(Signature, delegation=request.delegation)
        data = FullPowersInput(data=request.data)
        data.is_valid(raise_exception=True)
        signature = services.full_powers_upload(
            signature=signature,
            delegation=request.delegation,
            upload=data.validated_data["file"],
            reference=data.validated_data["reference"],
            actor=request.user,
        )
        return Response(SignatureOutput(signature).data)


class FullPowersDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("verify", "verify"), ("refuse", "refuse")])
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class FullPowersDecisionView(APIView):
    """The secretariat verifies the full powers, or refuses them with a reason (e-mailed)."""

    permission_classes = [permissions.IsAuthenticated, HasPerm("programme.verify_full_powers")]

    @extend_schema(request=FullPowersDecisionInput, responses=SignatureOutput)
    def post(self, request, pk):
        signature = get_object_or_404(Signature, pk=pk)
        data = FullPowersDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["decision"] == "verify":
            signature = services.full_powers_verify(signature=signature, actor=request.user)
        else:
            signature = services.full_powers_refuse(
                signature=signature, reason=data.validated_data["reason"], actor=request.user
            )
        return Response(SignatureOutput(signature).data)


class SignatureListView(ListAPIView):
    """Every declaration in signing order, for protocol."""

    permission_classes = [permissions.IsAuthenticated, HasPerm("programme.view_signature")]
    serializer_class = SignatureOutput

    def get_queryset(self):
        return selectors.signatures()


class SignatureRecordView(APIView):
    permission_classes = [permissions.IsAuthenticated, HasPerm("programme.manage_signing")]

    @extend_schema(request=None, responses=SignatureOutput)
    def post(self, request, pk):
        signature = get_object_or_404(Signature, pk=pk)
        signature = services.signature_record(signature=signature, actor=request.user)
        return Response(
            SignatureOutput(
                Signature.objects.select_related("delegation", "signatory").get(pk=signature.pk)
            ).data
        )


class SignatoriesCountView(APIView):
    """The live count of signatories: public, like the page."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(
        responses=inline_serializer("SignatoriesCount", {"signatories": serializers.IntegerField()})
    )
    def get(self, request):
        return Response({"signatories": selectors.signatories_count()})
