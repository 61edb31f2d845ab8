"""factory-boy factories for every model. Apps' tests may add their own beside them."""

import datetime as dt
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from accreditation import models as acc
from delegations import models as dm
from hanoi_summit import models as hm
from hanoi_summit.core.clock import HANOI
from sessions import models as pm


def hanoi_time(day, hour, minute=0):
    """A time on the event's days: day 1 is Saturday 25 October 2025."""
    return dt.datetime(2025, 10, 24 + day, hour, minute, tzinfo=HANOI)


def jpeg_bytes(width=600, height=800, colour=(200, 180, 160)):
    """A real JPEG of the given size (portrait by default)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def pdf_bytes(text="Note verbale"):
    """A small real PDF."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.save()
    return buffer.getvalue()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        # The role hook only adds groups (its own query); the user needs no second save.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-Hanoi-2025")


class StaffUserFactory(UserFactory):
    """A staff account in one role group: role="Secretariat", "Gate officer"..."""

    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class DelegationFactory(DjangoModelFactory):
    class Meta:
        model = dm.Delegation

    kind = dm.DelegationKind.NGO
    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    code = factory.LazyAttribute(lambda d: d.acronym.lower())
    status = dm.DelegationStatus.REGISTERED
    contact_email = factory.LazyAttribute(lambda d: f"contact@{d.code}.example.org")


class StateDelegationFactory(DelegationFactory):
    kind = dm.DelegationKind.MEMBER_STATE
    country = factory.Iterator(["FR", "DE", "JP", "BR", "KE", "CA", "IN", "AU", "MX", "EG"])
    name = factory.LazyAttribute(lambda d: f"State {d.country}")
    acronym = ""
    code = factory.Sequence(lambda n: f"st{n}")


class FocalPointFactory(DjangoModelFactory):
    class Meta:
        model = dm.FocalPoint

    user = factory.SubFactory(UserFactory)
    delegation = factory.SubFactory(DelegationFactory)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = dm.Member

    delegation = factory.SubFactory(DelegationFactory)
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_names = "Anna"
    family_name_first = False
    badge_name = factory.LazyAttribute(
        lambda m: dm.person_name_of(m.family_name, m.given_names, m.family_name_first)
    )
    title = "Ms"
    function = "Delegate"
    role = dm.MemberRole.DELEGATE
    gender = dm.Gender.FEMALE
    date_of_birth = dt.date(1980, 5, 17)
    nationality = "FR"
    passport_number = factory.Sequence(lambda n: f"P{n:08d}")
    passport_expiry = dt.date(2030, 1, 1)
    email = factory.LazyAttribute(lambda m: f"{m.family_name.lower()}@example.org")
    arrival = factory.LazyFunction(lambda: hanoi_time(0, 10))
    departure = factory.LazyFunction(lambda: hanoi_time(3, 10))
    # No photo unless a test asks (`with_photo=True`, or `photo=...`): encoding and storing a
    # JPEG is most of what creating a member costs, and most tests never look at it.
    photo = ""

    class Params:
        with_photo = factory.Trait(
            photo=factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
        )


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = dm.Document

    delegation = factory.SubFactory(DelegationFactory)
    kind = dm.DocumentKind.NOTE_VERBALE
    file = factory.LazyFunction(lambda: ContentFile(pdf_bytes(), name="note.pdf"))
    reference = factory.Sequence(lambda n: f"NV/{n}/2025")


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = acc.Zone
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n}")
    name = factory.LazyAttribute(lambda z: f"Zone {z.code}")


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = acc.Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda c: f"Category {c.code}")
    colour = "#C62828"


class AccreditationFactory(DjangoModelFactory):
    class Meta:
        model = acc.Accreditation

    member = factory.SubFactory(MemberFactory)
    status = acc.AccreditationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(lambda: hanoi_time(-20, 9))


class BadgeFactory(DjangoModelFactory):
    class Meta:
        model = acc.Badge

    accreditation = factory.SubFactory(AccreditationFactory, status=acc.AccreditationStatus.BADGE_ISSUED)
    number = factory.Sequence(lambda n: 100000 + n)
    version = 1
    category = factory.SubFactory(CategoryFactory)
    zone_codes = "PLN"
    valid_from = dt.date(2025, 10, 25)
    valid_until = dt.date(2025, 10, 26)


class ScanFactory(DjangoModelFactory):
    class Meta:
        model = acc.Scan

    badge = factory.SubFactory(BadgeFactory)
    zone = factory.SubFactory(ZoneFactory)
    direction = acc.Direction.IN
    result = acc.ScanResult.GRANTED
    reason = acc.ScanReason.OK


class PrintBatchFactory(DjangoModelFactory):
    class Meta:
        model = acc.PrintBatch

    layout = acc.BadgeLayout.CR80


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = pm.Venue

    name = "National Convention Centre"


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = pm.Room

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 100


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = pm.Session

    slug = factory.Sequence(lambda n: f"session-{n}")
    kind = pm.SessionKind.ROUNDTABLE
    title = factory.Sequence(lambda n: f"Roundtable {n}")
    starts_at = factory.LazyFunction(lambda: hanoi_time(1, 14))
    ends_at = factory.LazyFunction(lambda: hanoi_time(1, 15, 15))
    room = factory.SubFactory(RoomFactory)
    booking_mode = pm.BookingMode.OPEN


class SessionRoleFactory(DjangoModelFactory):
    class Meta:
        model = pm.SessionRole

    session = factory.SubFactory(SessionFactory)
    role = pm.SessionRoleKind.SPEAKER
    name = factory.Sequence(lambda n: f"Speaker {n}")


class BookingFactory(DjangoModelFactory):
    class Meta:
        model = pm.Booking

    session = factory.SubFactory(SessionFactory)
    member = factory.SubFactory(MemberFactory)
    status = pm.BookingStatus.CONFIRMED


class SpeakerRequestFactory(DjangoModelFactory):
    class Meta:
        model = pm.SpeakerRequest

    session = factory.SubFactory(SessionFactory, kind=pm.SessionKind.PLENARY)
    speaker = factory.SubFactory(MemberFactory)
    delegation = factory.SelfAttribute("speaker.delegation")
    level = dm.ProtocolRank.MINISTER


class GalaInvitationFactory(DjangoModelFactory):
    class Meta:
        model = pm.GalaInvitation

    session = factory.SubFactory(SessionFactory, kind=pm.SessionKind.GALA_DINNER)
    member = factory.SubFactory(MemberFactory, role=dm.MemberRole.HEAD)


class SignatureFactory(DjangoModelFactory):
    class Meta:
        model = pm.Signature

    delegation = factory.SubFactory(StateDelegationFactory)
    signatory = factory.SubFactory(MemberFactory, delegation=factory.SelfAttribute("..delegation"))
    basis = pm.SigningBasis.FOREIGN_MINISTER


class OutgoingEmailFactory(DjangoModelFactory):
    class Meta:
        model = hm.OutgoingEmail

    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Sequence(lambda n: f"person{n}@example.org")
    subject = "Your accreditation"
    body_text = "Hello"


class AuditEntryFactory(DjangoModelFactory):
    class Meta:
        model = hm.AuditEntry

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Linked into the hash chain, as core.audit writes every entry.
        from hanoi_summit.core.audit import audit_append

        return audit_append([model_class(*args, **kwargs)])[0]

    action = "member.view"
    target_type = "delegations.member"
    target_id = "1"
