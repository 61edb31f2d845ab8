"""The focal point's API: their delegation, its members and their photos.

One view per operation, each with its own small serializers; the services decide.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from delegations import selectors, services
from delegations.models import Delegation, Member


class IsFocalPoint(permissions.BasePermission):
    """Only focal points; the view finds their delegation in `request.delegation`."""

    message = _("Only a delegation's focal point may use this endpoint.")

    def has_permission(self, request, view):
        delegation = selectors.focal_point_delegation(user=request.user)
        request.delegation = delegation
        return delegation is not None


class DelegationOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    #: ISO 3166 code; empty for organisations.
    country = serializers.CharField()

    class Meta:
        model = Delegation
        fields = (
            "id", "code", "kind", "kind_display", "country", "name", "acronym", "status", "badge_quota",
            "ministry", "mission", "address", "contact_email", "contact_phone",
            "proposed_name", "proposed_acronym",
        )  # fmt: skip


class DelegationInput(serializers.Serializer):
    #: The official name and acronym may be sent unchanged; a change is refused (name_locked):
    #: an organisation proposes one in proposed_name and proposed_acronym, for the secretariat.
    name = serializers.CharField(max_length=200, required=False)
    acronym = serializers.CharField(max_length=30, required=False, allow_blank=True)
    proposed_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    proposed_acronym = serializers.CharField(max_length=30, required=False, allow_blank=True)
    ministry = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mission = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class DelegationView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]

    @extend_schema(responses=DelegationOutput)
    def get(self, request):
        return Response(DelegationOutput(request.delegation).data)

    @extend_schema(request=DelegationInput, responses=DelegationOutput)
    def patch(self, request):
        serializer = DelegationInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        delegation = services.delegation_update(
            delegation=request.delegation, actor=request.user, data=serializer.validated_data
        )
        return Response(DelegationOutput(delegation).data)


class MemberOutput(serializers.ModelSerializer):
    passport_masked = serializers.CharField(source="masked_passport")
    has_photo = serializers.SerializerMethodField()
    nationality = serializers.CharField()
    photo_exempt = serializers.BooleanField(read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Member
        fields = (
            "id", "title", "family_name", "given_names", "family_name_first", "display_name", "badge_name", "function",
            "protocol_rank", "role",
            "gender", "date_of_birth", "nationality", "passport_masked", "passport_expiry", "email", "phone",
            "language", "arrival", "departure", "dietary_needs", "accessibility_needs", "has_photo",
            "photo_exempt", "is_locked",
        )  # fmt: skip

    def get_has_photo(self, member) -> bool:
        return bool(member.photo)


class MemberInput(serializers.ModelSerializer):
    """Field types and lengths only; the rules (quota, passport, head) are the service's."""

    class Meta:
        model = Member
        fields = services.MEMBER_FIELDS
        # Uniqueness is checked by the service, with one message for the portal and the API.
        validators = []
        extra_kwargs = {
            "passport_number": {"validators": []},
            # Empty: the service prints the passport names on the badge.
            "badge_name": {"required": False, "allow_blank": True},
        }


class MemberListView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request):
        members = selectors.delegation_members(delegation=request.delegation)
        return Response(MemberOutput(members, many=True).data)

    @extend_schema(request=MemberInput, responses={201: MemberOutput})
    def post(self, request):
        serializer = MemberInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_create(
            delegation=request.delegation, actor=request.user, data=serializer.validated_data
        )
        return Response(MemberOutput(member).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]

    def _member(self, request, pk):
        return selectors.delegation_member_get(delegation=request.delegation, pk=pk)

    @extend_schema(responses=MemberOutput)
    def get(self, request, pk):
        return Response(MemberOutput(self._member(request, pk)).data)

    def _update(self, request, pk, *, partial):
        member = self._member(request, pk)
        serializer = MemberInput(member, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        member = services.member_update(member=member, actor=request.user, data=serializer.validated_data)
        return Response(MemberOutput(member).data)

    @extend_schema(request=MemberInput, responses=MemberOutput)
    def put(self, request, pk):
        return self._update(request, pk, partial=False)

    @extend_schema(request=MemberInput, responses=MemberOutput)
    def patch(self, request, pk):
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.member_delete(member=self._member(request, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PhotoInput(serializers.Serializer):
    photo = serializers.FileField()


class MemberPhotoView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsFocalPoint]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": PhotoInput}, responses=MemberOutput)
    def post(self, request, pk):
        member = selectors.delegation_member_get(delegation=request.delegation, pk=pk)
        serializer = PhotoInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_photo_set(
            member=member, actor=request.user, upload=serializer.validated_data["photo"]
        )
        return Response(MemberOutput(member).data)
