"""Reads of the delegations app, scoped to a delegation and free of N+1 queries."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from delegations.models import Delegation, Document, DocumentKind, FocalPoint, Member, passport_hash_of
from hanoi_summit.core.text import fold


def focal_point_delegation(*, user):
    """The delegation `user` acts for in the portal, or None (staff, or no focal point)."""
    if not getattr(user, "is_authenticated", False):
        return None
    focal_point = FocalPoint.objects.select_related("delegation").filter(user=user).first()
    return focal_point.delegation if focal_point else None


def delegation_members(*, delegation):
    """The delegation's members in order of precedence, then by name."""
    return Member.objects.filter(delegation=delegation).order_by(
        "protocol_rank", "family_name", "given_names"
    )


def members_matching(queryset, text, *, member_path=""):
    """`queryset` narrowed to the people whose names contain every word of `text`, whatever
    the case and accents ("nguyen van" finds "Nguyễn Văn A", "dang" finds "Đặng"). The one
    name search of every page: the queues, the desk, the admin, the portal, the gate.

    `queryset` is of members, or of a model that reaches one through `member_path` (e.g.
    "member__" for accreditations, "accreditation__member__" for badges). An empty `text`
    leaves it as it is. Adds conditions only: no query of its own, no join beyond the path.
    """
    return queryset.filter(member_name_q(text, member_path=member_path))


def member_name_q(text, *, member_path=""):
    """members_matching's condition, for a search that ORs it with others (the desk's
    passport and badge number)."""
    # `contains`, not `icontains`: both sides are folded already, and on PostgreSQL
    # `icontains` wraps the column in UPPER(), which the trigram index does not cover.
    return Q(*[Q(**{f"{member_path}search_name__contains": word}) for word in fold(text).split()])


#: A term matching more delegations than this is not looking for a delegation.
DELEGATION_IDS_CAP = 200


def delegation_ids_matching(*, text):
    """Ids of the delegations whose name contains `text` or whose code is `text` (the admin's
    search looks members up by them; capped)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Delegation.objects.filter(Q(name__icontains=text) | Q(code__iexact=text))
        .order_by()
        .values_list("pk", flat=True)[:DELEGATION_IDS_CAP]
    )


#: At most this many delegations are suggested while a filter's name is typed.
SUGGESTIONS = 20


def delegations_suggested(*, text, limit=SUGGESTIONS):
    """Delegations whose name contains `text` or whose code starts with it, by name: the
    suggestions of the staff pages' delegation filters. Nothing for an empty `text`."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Delegation.objects.filter(Q(name__icontains=text) | Q(code__istartswith=text))
        .order_by("name")
        .values("name", "code")[:limit]
    )


def passports_registered(*, numbers):
    """Which of the (normalised) passport `numbers` a member of the event already holds,
    compared by their keyed hashes (the numbers themselves are encrypted)."""
    by_hash = {passport_hash_of(number): number for number in numbers if number}
    held = Member.objects.filter(passport_hash__in=by_hash).order_by().values_list("passport_hash", flat=True)
    return {by_hash[digest] for digest in held}


def focal_point_emails(*, delegation, contact_fallback=True):
    """Where e-mails about the delegation go: its focal points' addresses, sorted; the
    delegation's contact address when no focal point has one, so someone is always told.

    Accreditation e-mails also go to the member, and pass `contact_fallback=False`.
    """
    emails = sorted(
        set(
            FocalPoint.objects.filter(delegation=delegation)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not emails and contact_fallback and delegation.contact_email:
        emails = [delegation.contact_email]
    return emails


def delegation_member_get(*, delegation, pk):
    """One member of `delegation`; 404 for anyone else's, so ids of others do not leak."""
    return get_object_or_404(Member.objects.select_related("delegation"), delegation=delegation, pk=pk)


def delegation_documents(*, delegation):
    return Document.objects.filter(delegation=delegation).select_related("member").order_by("-uploaded_at")


def delegation_document_get(*, delegation, pk):
    return get_object_or_404(Document, delegation=delegation, pk=pk)


def delegation_has_nomination(*, delegation):
    """A note verbale or a letter of nomination is on file."""
    return Document.objects.filter(
        delegation=delegation, kind__in=[DocumentKind.NOTE_VERBALE, DocumentKind.LETTER_OF_NOMINATION]
    ).exists()


def delegation_details_complete(*, delegation):
    if delegation.is_state:
        return bool((delegation.ministry or delegation.mission) and delegation.contact_email)
    return bool(delegation.name and delegation.contact_email)


def delegation_progress(*, delegation):
    """The portal home's checklist, in two queries."""
    counts = Member.objects.filter(delegation=delegation).aggregate(
        total=Count("pk"),
        locked=Count("pk", filter=Q(is_locked=True)),
        without_photo=Count("pk", filter=Q(photo="") & ~Member.photo_exempt_q()),
    )
    return {
        "details": delegation_details_complete(delegation=delegation),
        "nomination": delegation_has_nomination(delegation=delegation),
        "members": counts["total"],
        "quota": delegation.badge_quota,
        "locked": counts["locked"],
        "without_photo": counts["without_photo"],
    }


def member_for_staff(*, pk):
    return get_object_or_404(Member, pk=pk)


def document_for_staff(*, pk):
    return get_object_or_404(Document, pk=pk)
