"""Who comes: delegations, their focal points and invitations, members, documents."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from hanoi_summit.core.crypto import EncryptedCharField, EncryptedDateField, KeyedHashField
from hanoi_summit.core.text import fold


class DelegationKind(models.TextChoices):
    HOST_COUNTRY = "host_country", _("Host country")
    MEMBER_STATE = "member_state", _("Member State")
    OBSERVER_STATE = "observer_state", _("Observer State")
    REIO = "reio", _("Regional economic integration organisation")
    IGO = "igo", _("Intergovernmental organisation")
    UN_ENTITY = "un_entity", _("United Nations entity")
    NGO = "ngo", _("Non-governmental organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    MEDIA = "media", _("Media outlet")


#: Kinds that are states: they have a country and may sign the Convention.
STATE_KINDS = (DelegationKind.HOST_COUNTRY, DelegationKind.MEMBER_STATE, DelegationKind.OBSERVER_STATE)
#: Kinds that may sign the Convention (States and regional economic integration organisations).
SIGNATORY_KINDS = (DelegationKind.HOST_COUNTRY, DelegationKind.MEMBER_STATE, DelegationKind.REIO)


def delegation_label_of(name, acronym, country_code, kind):
    """How badges and gates name a delegation: the country's name for States, the
    organisation's name (with its acronym) otherwise. From the delegation's columns, so that
    a caller that read them raw needs no Delegation instance."""
    if country_code and kind in STATE_KINDS:
        return name or str(countries.name(country_code))
    if acronym and acronym.lower() not in name.lower():
        return f"{name} ({acronym})"
    return name


class DelegationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ProtocolRank(models.IntegerChoices):
    """Level of representation, in order of precedence (lower comes first)."""

    HEAD_OF_STATE = 10, _("Head of State")
    HEAD_OF_GOVERNMENT = 20, _("Head of Government")
    VICE_PRESIDENT = 30, _("Vice-President")
    CROWN_PRINCE = 40, _("Crown Prince")
    DEPUTY_PRIME_MINISTER = 50, _("Deputy Prime Minister")
    MINISTER = 60, _("Minister")
    VICE_MINISTER = 70, _("Vice-Minister")
    HEAD_OF_DELEGATION = 80, _("Head of delegation")
    OBSERVER = 90, _("Observer")
    OTHER = 100, _("Other")


class MemberRole(models.TextChoices):
    HEAD = "head", _("Head of delegation")
    DEPUTY = "deputy", _("Deputy head of delegation")
    DELEGATE = "delegate", _("Delegate")
    ADVISER = "adviser", _("Adviser")
    SECURITY = "security", _("Security officer")
    SPOUSE = "spouse", _("Spouse")
    DRIVER = "driver", _("Driver")
    INTERPRETER = "interpreter", _("Interpreter")
    PRESS_ATTACHE = "press_attache", _("Press attaché")


#: Role -> its (lazy) label, built once: get_role_display() rebuilds the choices' dict on each
#: call, and a gate asks for it per scan.
_ROLE_LABELS = dict(MemberRole.choices)


def function_label_of(function, role):
    """What a badge prints under the name: the function typed, else the role's name. From the
    member's columns, so that a caller that read them raw needs no Member instance."""
    return function or str(_ROLE_LABELS.get(role, role))


#: Ranks whose holder comes without a photo when heading the delegation (their security
#: services do not hand portraits out): Head of State or Government, Vice-President, Crown Prince.
PHOTO_EXEMPT_RANKS = (
    ProtocolRank.HEAD_OF_STATE,
    ProtocolRank.HEAD_OF_GOVERNMENT,
    ProtocolRank.VICE_PRESIDENT,
    ProtocolRank.CROWN_PRINCE,
)
#: Roles of the people who accompany a delegation: none of them holds one of those ranks.
SUPPORT_ROLES = (
    MemberRole.SPOUSE,
    MemberRole.DRIVER,
    MemberRole.SECURITY,
    MemberRole.INTERPRETER,
    MemberRole.PRESS_ATTACHE,
)


#: Nationalities (ISO 3166 alpha-2) whose custom writes the family name first: Viet Nam, China
#: (with Taiwan, Hong Kong and Macao), the two Koreas, Japan, Hungary. Only the prefill of
#: Member.family_name_first: the member's own choice is what counts.
FAMILY_NAME_FIRST_COUNTRIES = frozenset({"VN", "CN", "TW", "HK", "MO", "KR", "KP", "JP", "HU"})


def family_name_first_for(nationality):
    """The name order a member of this nationality is offered until someone says otherwise."""
    return str(nationality or "").upper() in FAMILY_NAME_FIRST_COUNTRIES


def person_name_of(family_name, given_names, family_name_first):
    """The one way a person's name is written on pages, PDFs, badges and e-mails: given names
    then family name, or the family name first where the person's custom puts it first
    ("Bùi Hữu Nam", not "Hữu Nam Bùi"). From the member's columns, so that a caller that read
    them raw needs no Member instance."""
    parts = (family_name, given_names) if family_name_first else (given_names, family_name)
    return " ".join(part.strip() for part in parts if part and part.strip())


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / not stated")


class Delegation(models.Model):
    """A State or an organisation taking part in the event."""

    kind = models.CharField(_("kind"), max_length=20, choices=DelegationKind.choices)
    #: ISO 3166 country, for States (empty for organisations).
    country = CountryField(_("country"), blank=True)
    #: Official name: the country's short name for States, the organisation's full name.
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    #: A new official name or acronym a focal point asks for (the official ones, printed on
    #: badges and lists, change only in the admin): the secretariat accepts or clears it.
    proposed_name = models.CharField(_("proposed name"), max_length=200, blank=True)
    proposed_acronym = models.CharField(_("proposed acronym"), max_length=30, blank=True)
    #: Stable short code: ISO alpha-3 in lower case for States, the acronym for organisations.
    #: Demo focal-point accounts are named after it (focal-vnm, focal-unodc).
    code = models.SlugField(_("code"), max_length=30, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DelegationStatus.choices, default=DelegationStatus.INVITED
    )
    #: How many members may be accredited: one more is refused.
    badge_quota = models.PositiveSmallIntegerField(_("badge quota"), default=12)
    # A State's mission and ministry; an organisation's head office.
    ministry = models.CharField(_("ministry"), max_length=200, blank=True)
    mission = models.CharField(_("permanent mission or embassy"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    #: Language of the e-mails to its focal points and contact address (invitations, full
    #: powers, group messages); members' own e-mails follow each member's language.
    language = models.CharField(
        _("language for e-mails"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["country"], condition=~Q(country=""), name="delegation_one_per_country"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[k.value for k in STATE_KINDS]) | ~Q(country=""),
                name="delegation_state_has_country",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in DelegationKind]), name="delegation_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DelegationStatus]),
                name="delegation_status_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_state(self):
        return self.kind in STATE_KINDS


class FocalPoint(models.Model):
    """A user account acting for one delegation in the portal (the UN's DAO)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="focal_point"
    )
    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="focal_points")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")

    def __str__(self):
        return f"{self.user} ({self.delegation})"


class Invitation(models.Model):
    """A single-use link e-mailed to a future focal point.

    Only a SHA-256 digest of the token is stored: a leaked database does not leak links.
    """

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.delegation})"


def _agenda_token():
    return secrets.token_urlsafe(24)


#: Where members' photos and delegations' documents are stored (the shredder empties both).
PHOTO_DIR = "photos"
DOCUMENT_DIR = "documents"


def member_photo_path(member, filename):
    # The stored name never carries the uploaded name: it could hold personal data.
    return f"{PHOTO_DIR}/{member.delegation_id}/{secrets.token_hex(12)}.jpg"


#: A member's passport data: shown only to holders of VIEW_PASSPORT (masked or left out for
#: everyone else: admin, exports, audit history) and never written to the audit trail in clear.
PASSPORT_FIELDS = ("passport_number", "passport_expiry", "date_of_birth")
VIEW_PASSPORT = "delegations.view_passport"


def passport_normalise(number):
    """A passport number as stored and compared: no spaces, upper case (typed as "c 123 4567"
    at one desk and "C1234567" at another, it is one passport)."""
    return "".join(number.split()).upper() if number else ""


def passport_hash_of(number):
    """The keyed hash a member's passport_hash holds for the passport `number` (any spelling):
    what a look-up or a duplicate check compares."""
    return Member._meta.get_field("passport_hash").hash_value(number)


#: The member's fields a name search reads (folded together into Member.search_name).
SEARCH_NAME_FIELDS = ("given_names", "family_name", "badge_name")


def search_name_of(*, given_names, family_name, badge_name):
    """What a name search looks through: the passport names and the badge's name, folded
    (hanoi_summit.core.text.fold), so "nguyen" finds "Nguyễn" on every database."""
    return fold(f"{given_names} {family_name} {badge_name}")


class Member(models.Model):
    """A person in a delegation. Passport data is personal: masked in lists, restricted."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    family_name = models.CharField(_("family name (as in passport)"), max_length=120)
    given_names = models.CharField(_("given names (as in passport)"), max_length=120, blank=True)
    #: The person writes the family name first (Vietnamese, Chinese, Korean, Japanese,
    #: Hungarian custom): prefilled from the nationality when the member is added.
    family_name_first = models.BooleanField(_("family name first"), default=False)
    #: Preferred name printed on the badge (by default the display name).
    badge_name = models.CharField(_("name on the badge"), max_length=80)
    title = models.CharField(_("title"), max_length=40, blank=True, help_text=_("H.E., Mr, Ms, Dr..."))
    function = models.CharField(_("function"), max_length=200, blank=True)
    protocol_rank = models.PositiveSmallIntegerField(
        _("protocol rank"), choices=ProtocolRank.choices, default=ProtocolRank.OTHER
    )
    role = models.CharField(
        _("role in the delegation"), max_length=16, choices=MemberRole.choices, default=MemberRole.DELEGATE
    )
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    # Passport data is encrypted at rest (hanoi_summit/core/crypto.py): never filter on it;
    # look a passport up by passport_hash (passport_hash_of).
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    passport_number = EncryptedCharField(_("passport number"), max_length=20, blank=True)
    #: Keyed hash of the normalised passport number: the unique rule and every look-up.
    passport_hash = KeyedHashField(source="passport_number", normalise=passport_normalise)
    passport_expiry = EncryptedDateField(_("passport expiry"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    #: Language for this person's e-mails.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    #: Re-encoded JPEG; never served from a public URL.
    photo = models.FileField(_("photo"), upload_to=member_photo_path, blank=True, max_length=200)
    arrival = models.DateTimeField(_("arrival"), null=True, blank=True)
    departure = models.DateTimeField(_("departure"), null=True, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=200, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=200, blank=True)
    #: Set while the member's accreditation is under review: the focal point may not edit.
    #: Accreditation services own it; the portal only reads it.
    is_locked = models.BooleanField(default=False)
    #: Secret in the URL of the member's personal .ics agenda.
    agenda_token = models.CharField(max_length=40, unique=True, default=_agenda_token, editable=False)
    #: search_name_of() the names: what every name search matches (delegations.selectors.
    #: members_matching). On PostgreSQL a trigram index covers it (migration
    #: 0005_member_search_name); folded here in Python, so no unaccent() is needed in queries.
    search_name = models.TextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        permissions = [("view_passport", "Can see passport numbers and dates of birth")]
        ordering = ["protocol_rank", "family_name", "given_names"]
        indexes = [
            models.Index(fields=["delegation", "role"]),
            models.Index(fields=["family_name"]),
            models.Index(fields=["protocol_rank"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["passport_hash"],
                condition=~Q(passport_hash=""),
                name="member_passport_unique_in_event",
                violation_error_message=_("This passport number is already registered for the event."),
            ),
            models.UniqueConstraint(
                fields=["delegation"],
                condition=Q(role="head"),
                name="member_one_head_per_delegation",
                violation_error_message=_("The delegation already has a head of delegation."),
            ),
            models.CheckConstraint(
                condition=Q(departure__isnull=True)
                | Q(arrival__isnull=True)
                | Q(departure__gte=models.F("arrival")),
                name="member_departure_after_arrival",
                violation_error_message=_("The departure must be after the arrival."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # The services write members through save(); so do the admin and the tests'
        # factories. Refreshing the search column here keeps every one of them in step (a
        # stale column is a person the desk cannot find). bulk_create skips save(): its
        # callers (the import, the demo seed) call search_name_refresh() themselves.
        self.search_name_refresh()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(SEARCH_NAME_FIELDS):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def search_name_refresh(self):
        self.search_name = search_name_of(
            given_names=self.given_names, family_name=self.family_name, badge_name=self.badge_name
        )

    def validate_constraints(self, exclude=None):
        # The unique passport rule is on the keyed hash, which no form shows: a form that
        # shows the number (the admin's) has it checked as if it were on the number.
        if exclude is not None and "passport_number" not in exclude:
            self.passport_hash = passport_hash_of(self.passport_number)
            exclude = set(exclude) - {"passport_hash"}
        super().validate_constraints(exclude=exclude)

    @property
    def display_name(self):
        """The member's name as every page, PDF and e-mail writes it (person_name_of)."""
        return person_name_of(self.family_name, self.given_names, self.family_name_first)

    @property
    def formal_name(self):
        """The display name after the title ("H.E. Mr Bùi Hữu Nam"), for lists of protocol."""
        return " ".join(part for part in (self.title.strip(), self.display_name) if part)

    @property
    def masked_passport(self):
        """Last three characters only: enough to tell two passports apart in a list."""
        if not self.passport_number:
            return ""
        return "•" * max(len(self.passport_number) - 3, 3) + self.passport_number[-3:]

    @property
    def photo_exempt(self):
        """True for the head of delegation (one per delegation: member_one_head_per_delegation)
        of a rank in PHOTO_EXEMPT_RANKS, and no one else: the one member who may be submitted
        without a photo. photo_exempt_q() is the same rule in a query."""
        return self.role == MemberRole.HEAD and self.protocol_rank in PHOTO_EXEMPT_RANKS

    @staticmethod
    def photo_exempt_q():
        """photo_exempt as a filter."""
        return Q(role=MemberRole.HEAD, protocol_rank__in=PHOTO_EXEMPT_RANKS)


class DocumentKind(models.TextChoices):
    NOTE_VERBALE = "note_verbale", _("Note verbale")
    LETTER_OF_NOMINATION = "letter_of_nomination", _("Letter of nomination")
    FULL_POWERS = "full_powers", _("Full powers")


def document_path(document, filename):
    return f"{DOCUMENT_DIR}/{document.delegation_id}/{secrets.token_hex(12)}.pdf"


class Document(models.Model):
    """A PDF a delegation sends: note verbale or letter of nomination; full powers per signatory."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="documents")
    #: The person a full-powers instrument names; empty for notes verbales.
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["delegation", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.delegation})"
