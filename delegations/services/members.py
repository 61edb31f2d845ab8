"""Writes to a delegation's members: add, change, photo, remove; and the rules they obey."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.errors import DelegationError
from delegations.models import (
    PHOTO_EXEMPT_RANKS,
    SUPPORT_ROLES,
    Delegation,
    Member,
    MemberRole,
    ProtocolRank,
    family_name_first_for,
    passport_hash_of,
    passport_normalise,
    person_name_of,
)
from delegations.photos import photo_clean
from delegations.services.common import audit_diff, lengths_check
from hanoi_summit.core.audit import audit_record
from hanoi_summit.core.files import on_commit_delete

#: The member's data a focal point keeps (the photo has its own service). The portal form, the
#: API and the import's columns (`imports.members.COLUMNS`) are all made from it.
MEMBER_FIELDS = (
    "title",
    "family_name",
    "given_names",
    "family_name_first",
    "badge_name",
    "function",
    "protocol_rank",
    "role",
    "gender",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expiry",
    "email",
    "phone",
    "language",
    "arrival",
    "departure",
    "dietary_needs",
    "accessibility_needs",
)


def _is_text(field):
    return Member._meta.get_field(field).get_internal_type() in {"CharField", "EmailField"} or field in {
        "nationality"
    }


def member_values_clean(data):
    """The member fields of `data`, stripped, empty text for None, the passport normalised."""
    values = {}
    for field in MEMBER_FIELDS:
        if field in data:
            value = data[field]
            if isinstance(value, str):
                value = value.strip()
            values[field] = "" if value is None and _is_text(field) else value
    if "passport_number" in values:
        values["passport_number"] = passport_normalise(values["passport_number"])
    return values


#: How long before the event's first day and after its last a member may travel.
TRAVEL_WINDOW = dt.timedelta(days=365)


def member_rules_check(*, delegation, member, values):
    """The rules a member's data obeys, whoever writes it (portal form, API or import).

    Fills in `values["family_name_first"]` from the nationality when not chosen (None, or left
    out for a new member), and `values["badge_name"]` from the passport names when it is empty.
    """
    lengths_check(Member, {k: v for k, v in values.items() if isinstance(v, str)})
    merged = {field: getattr(member, field) for field in MEMBER_FIELDS} | values
    if not merged["family_name"]:
        raise DelegationError(
            _("The family name is required, as written in the passport."),
            code="required",
            field="family_name",
        )
    if values.get("family_name_first") is None and ("family_name_first" in values or member.pk is None):
        # Not chosen: the custom of the member's nationality.
        values["family_name_first"] = merged["family_name_first"] = family_name_first_for(
            merged["nationality"]
        )
    if not merged["badge_name"]:
        full = person_name_of(merged["family_name"], merged["given_names"], merged["family_name_first"])
        if len(full) > Member._meta.get_field("badge_name").max_length:
            raise DelegationError(
                _("Give a shorter name for the badge (at most 80 characters)."),
                code="required",
                field="badge_name",
            )
        values["badge_name"] = full
    today = timezone.localdate()
    if merged["date_of_birth"] and merged["date_of_birth"] >= today:
        raise DelegationError(
            _("The date of birth must be in the past."), code="invalid_date", field="date_of_birth"
        )
    expiry = merged["passport_expiry"]
    if expiry:
        must_last_until = max(today, dt.date.fromisoformat(settings.EVENT_LAST_DAY))
        if expiry < today:
            raise DelegationError(
                _("This passport has expired. Enter a valid passport."),
                code="passport_expired",
                field="passport_expiry",
            )
        if expiry < must_last_until:
            raise DelegationError(
                _("The passport must be valid until the end of the event."),
                code="passport_expired",
                field="passport_expiry",
            )
    # Travel dates near the event's: a year 23 arrival is a typing error, and in Hanoi's
    # zone its time has a local-mean-time offset in seconds (+07:06:30) no API client can parse.
    earliest = dt.date.fromisoformat(settings.EVENT_FIRST_DAY) - TRAVEL_WINDOW
    latest = dt.date.fromisoformat(settings.EVENT_LAST_DAY) + TRAVEL_WINDOW
    for name in ("arrival", "departure"):
        moment = merged[name]
        if moment and not earliest <= timezone.localdate(moment) <= latest:
            raise DelegationError(
                _("%(value)s is not a valid %(name)s.")
                % {
                    "value": timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"),
                    "name": Member._meta.get_field(name).verbose_name,
                },
                code="invalid_dates",
                field=name,
            )
    if merged["arrival"] and merged["departure"] and merged["departure"] < merged["arrival"]:
        raise DelegationError(
            _("The departure must be after the arrival."), code="invalid_dates", field="departure"
        )
    passport = merged["passport_number"]
    if (
        passport
        and Member.objects.filter(passport_hash=passport_hash_of(passport)).exclude(pk=member.pk).exists()
    ):
        raise DelegationError(
            _("This passport number is already registered for the event."),
            code="duplicate_passport",
            field="passport_number",
        )
    _rank_for_role_check(merged["protocol_rank"], merged["role"])
    if (
        merged["role"] == MemberRole.HEAD
        and Member.objects.filter(delegation=delegation, role=MemberRole.HEAD).exclude(pk=member.pk).exists()
    ):
        raise DelegationError(
            _("The delegation already has a head of delegation."), code="duplicate_head", field="role"
        )


def _rank_for_role_check(rank, role):
    """A driver, bodyguard, interpreter, press attaché or spouse is never a Head of State or
    Government, Vice-President or Crown Prince: those ranks (which weigh in the photo
    exemption, the category and precedence) are refused for such roles."""
    try:
        rank = ProtocolRank(int(rank))
    except (TypeError, ValueError):
        return  # an unknown rank is the field's own error
    if rank in PHOTO_EXEMPT_RANKS and role in SUPPORT_ROLES:
        raise DelegationError(
            _("A member with the role “%(role)s” cannot hold the rank of %(rank)s.")
            % {"role": MemberRole(role).label, "rank": rank.label},
            code="rank_not_for_role",
            field="protocol_rank",
        )


def _member_save(member, *, new_photo=False):
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        if new_photo:
            member.photo.storage.delete(member.photo.name)
        # A concurrent write got there first; the checks above give the usual reasons.
        raise DelegationError(
            _("This passport number or head of delegation is already registered."), code="conflict"
        ) from exc


def member_quota_check(*, delegation):
    """Refuse one more member beyond the delegation's badge quota."""
    if Member.objects.filter(delegation=delegation).count() >= delegation.badge_quota:
        raise DelegationError(
            _(
                "The delegation's badge quota of %(quota)s members is reached. Contact the secretariat to raise it."
            )
            % {"quota": delegation.badge_quota},
            code="quota_exceeded",
        )


@transaction.atomic
def member_create(*, delegation, actor, data, photo=None):
    """Add a member to `delegation`, with an optional photo (checked and re-encoded).

    Refused beyond the delegation's badge quota, for a passport already in the event, a
    second head of delegation, an expired passport. Side effects: one audit entry.
    """
    clean_photo = photo_clean(photo) if photo else None
    # The row lock makes two simultaneous additions count one after the other.
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    member_quota_check(delegation=delegation)
    member = Member(delegation=delegation)
    values = member_values_clean(data)
    member_rules_check(delegation=delegation, member=member, values=values)
    for field, value in values.items():
        setattr(member, field, value)
    if clean_photo is not None:
        member.photo.save(clean_photo.name, clean_photo, save=False)
    _member_save(member, new_photo=clean_photo is not None)
    audit_record(actor=actor, action="member.create", target=member, after=audit_diff(Member(), values)[1])
    return member


def member_locked_check(*, member):
    """Refuse a change to a member whose accreditation is under review (the accreditation
    services lock and unlock them), whoever asks: focal point, API, import or admin."""
    if member.is_locked:
        raise DelegationError(
            _("%(name)s is under review and cannot be changed now.") % {"name": member.display_name},
            code="member_locked",
        )


def _member_lock_for_edit(member):
    member = Member.objects.select_for_update().get(pk=member.pk)
    member_locked_check(member=member)
    return member


@transaction.atomic
def member_update(*, member, actor, data, photo=None):
    """Change a member's data (and photo, if given). Refused while the member is locked for review.

    Side effects: the replaced photo file is deleted after commit; one audit entry.
    """
    clean_photo = photo_clean(photo) if photo else None
    member = _member_lock_for_edit(member)
    values = member_values_clean(data)
    member_rules_check(delegation=member.delegation, member=member, values=values)
    before, after = audit_diff(member, values)
    for field, value in values.items():
        setattr(member, field, value)
    if clean_photo is not None:
        on_commit_delete(member.photo)
        member.photo.save(clean_photo.name, clean_photo, save=False)
        after["photo"] = "new"
    _member_save(member, new_photo=clean_photo is not None)
    if after:
        audit_record(actor=actor, action="member.update", target=member, before=before, after=after)
    return member


@transaction.atomic
def member_photo_set(*, member, actor, upload):
    """Replace a member's photo with the checked, re-encoded upload. Side effects as member_update."""
    return member_update(member=member, actor=actor, data={}, photo=upload)


@transaction.atomic
def member_delete(*, member, actor):
    """Remove a member (and their photo file after commit). Refused while locked for review."""
    member = _member_lock_for_edit(member)
    audit_record(actor=actor, action="member.delete", target=member)
    on_commit_delete(member.photo)
    member.delete()


def member_photo_view_record(*, member, actor):
    """Write down that staff looked at a member's photo (focal points see their own unrecorded)."""
    audit_record(actor=actor, action="member.photo_view", target=member)
