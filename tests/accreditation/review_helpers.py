"""Builders shared by the review, vetting and protocol tests (plain functions, not fixtures)."""

from accreditation import rules, services
from accreditation.models import AccreditationStatus, BadgeLayout
from accreditation.workflow import TRANSITIONS
from hanoi_summit.core.models import AuditEntry
from tests import factories

S = AccreditationStatus

ZONE_CODES = rules.ALL_ZONES


def reference_data():
    """Every zone and category the rules name, as seed_summit would load them."""
    zones = {code: factories.ZoneFactory(code=code) for code in ZONE_CODES}
    categories = {code: factories.CategoryFactory(code=code) for code in rules.CATEGORY_ZONES}
    return zones, categories


def accreditation(status=S.SUBMITTED, *, delegation=None, **member):
    """A submitted member (with the photo submission requires, unless `photo` says otherwise)."""
    delegation = delegation or factories.DelegationFactory()
    member.setdefault("with_photo", True)
    return factories.AccreditationFactory(
        status=status, member=factories.MemberFactory(delegation=delegation, is_locked=True, **member)
    )


def approved(categories, zones, **kwargs):
    acc = accreditation(S.APPROVED, **kwargs)
    acc.category = categories[rules.DEL]
    acc.save()
    acc.zones.set([zones[rules.PLN], zones[rules.EXH]])
    return acc


def staff(role, username=None):
    return factories.StaffUserFactory(role=role, **({"username": username} if username else {}))


def cleared(ref, **member):
    """A cleared accreditation, waiting for its badge; `ref` is reference_data()."""
    zones, categories = ref
    acc = approved(categories, zones, **member)
    acc.status = S.CLEARED
    acc.save()
    return acc


def printed(ref, actor, **member):
    """A badge issued and printed (in a one-badge batch) by `actor`."""
    badge = services.badge_issue(accreditation=cleared(ref, **member), actor=actor)
    services.badge_print_batch(badges=[badge], layout=BadgeLayout.CR80, actor=actor)
    badge.refresh_from_db()
    return badge


def sources_of(target):
    """The statuses the workflow allows to become `target`."""
    return [status for status in S if target in TRANSITIONS[status]]


def refused_sources_of(target):
    """The statuses the workflow forbids to become `target`."""
    return [status for status in S if target not in TRANSITIONS[status]]


def audit_of(action, acc):
    """The audit entries of `action` on the accreditation `acc`."""
    return AuditEntry.objects.filter(
        action=action, target_type="accreditation.accreditation", target_id=str(acc.pk)
    )
