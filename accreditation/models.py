"""Who may enter where: zones, categories, the review and vetting workflow, badges, scans."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delegations.models import Member
from hanoi_summit.core.crypto import EncryptedTextField


class SecondEntry(models.TextChoices):
    """What a gate does with an "in" scan of a badge already inside its zone."""

    DENY = "deny", _("Deny (already inside)")
    WARN = "warn", _("Let in with a warning")
    ALLOW = "allow", _("Let in")


class Zone(models.Model):
    """An area behind a gate: plenary hall, signing stage, VIP lounge..."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    #: Safety limit of people inside at once (informational; the gate shows occupancy).
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    #: A second "in" without an "out" between: denied, let in with a warning, or let in.
    second_entry = models.CharField(
        _("second entry"),
        max_length=5,
        choices=SecondEntry.choices,
        default=SecondEntry.DENY,
        db_default=SecondEntry.DENY,
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return f"{self.code} - {self.name}"


class Category(models.Model):
    """A badge category: its colour band, code and the zones it opens by default."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    #: Colour of the badge band, "#RRGGBB".
    colour = models.CharField(_("colour"), max_length=7)
    #: Colour of the text on the band, for contrast.
    text_colour = models.CharField(_("text colour"), max_length=7, default="#FFFFFF")
    default_zones = models.ManyToManyField(
        Zone, blank=True, related_name="+", verbose_name=_("default zones")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("badge category")
        verbose_name_plural = _("badge categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"), name="category_colour_hex"
            ),
        ]

    def __str__(self):
        return f"{self.code} - {self.name}"


class AccreditationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved by the secretariat")
    CLEARED = "cleared", _("Security cleared")
    REFUSED = "refused", _("Refused by security")
    BADGE_ISSUED = "badge_issued", _("Badge issued")
    PRINTED = "printed", _("Badge printed")
    COLLECTED = "collected", _("Badge collected")
    REVOKED = "revoked", _("Revoked")


class Accreditation(models.Model):
    """One per member: the request and its way through review, vetting and the badge desk.

    Transitions belong to `accreditation.services`; nothing else writes `status`.
    """

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="accreditation")
    status = models.CharField(
        _("status"), max_length=14, choices=AccreditationStatus.choices, default=AccreditationStatus.DRAFT
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="accreditations"
    )
    zones = models.ManyToManyField(Zone, blank=True, related_name="accreditations")
    submitted_at = models.DateTimeField(null=True, blank=True)
    #: Digest of the member's data when last submitted: a resubmission with changes shows.
    submitted_fingerprint = models.CharField(max_length=64, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    #: Why it was returned or rejected; shown to the focal point.
    decision_reason = models.TextField(blank=True)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vetted_at = models.DateTimeField(null=True, blank=True)
    #: Security's note; never shown to the delegation.
    vetting_note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        permissions = [
            ("review_accreditation", "Can review accreditation requests"),
            ("vet_accreditation", "Can clear or refuse people (security vetting)"),
        ]
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["category", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AccreditationStatus]),
                name="accreditation_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.member} [{self.get_status_display()}]"


class BadgeLayout(models.TextChoices):
    CR80 = "cr80", _("CR80 card (85.6 x 54 mm)")
    A6 = "a6", _("A6 badge")
    A4_SHEET = "a4x4", _("A4 sheet of four A6 badges")


class PrintBatch(models.Model):
    """One PDF of badges printed together; large ones render in a Celery task."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    layout = models.CharField(_("layout"), max_length=6, choices=BadgeLayout.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    rendered = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="batches/", blank=True, max_length=200)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Moved forward by every write of the render (claim, start, progress): a pending or
    # rendering batch whose progress_at is old has lost its task (printing.batches_stuck).
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Batch {self.pk} ({self.total} badges, {self.layout})"


#: An accreditation in one of these statuses voids every badge it has.
VOIDING_STATUSES = (AccreditationStatus.REVOKED, AccreditationStatus.REFUSED)


def badge_is_void(*, revoked_at, has_newer, accreditation_status):
    """Whether no gate may open for a badge although its signature is genuine: it was
    marked revoked, a newer print of its number exists, or its accreditation voids it.

    The rule for a badge already read (a gate's scan reads these three columns in its own
    query); ``BadgeQuerySet.void`` is the same rule for the database, next to it so that
    both change together.
    """
    return revoked_at is not None or has_newer or accreditation_status in VOIDING_STATUSES


class BadgeQuerySet(models.QuerySet):
    def void(self):
        """The badges of which ``badge_is_void`` is true: what offline scanners must deny."""
        newer = Badge.objects.filter(number=OuterRef("number"), version__gt=OuterRef("version"))
        return self.filter(
            Q(revoked_at__isnull=False) | Q(accreditation__status__in=VOIDING_STATUSES) | Exists(newer)
        )


class Badge(models.Model):
    """One printed version of a member's badge. A reprint is a new row with version + 1.

    `number` is the member's for good; `version` grows with each reprint, and only the
    newest non-revoked version is valid. The QR code signs (number, version, ...).
    """

    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="badges")
    number = models.PositiveIntegerField(_("number"), db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="badges")
    #: Zone codes as signed into the QR payload, space-separated (snapshot at issue).
    zone_codes = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_until = models.DateField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reprint_reason = models.CharField(max_length=200, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    print_batch = models.ForeignKey(
        PrintBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="badges"
    )
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: What the desk saw: "passport ending 123".
    id_document_seen = models.CharField(max_length=100, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(max_length=200, blank=True)
    #: The gate bundle's version at this badge's last change of what gates read (issue,
    #: print, hand-over, revocation, its accreditation's status): GateVersion.last then.
    #: Devices ask for the badges changed since the version they hold.
    gate_version = models.BigIntegerField(default=0, db_default=0, db_index=True, editable=False)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        permissions = [
            ("print_badge", "Can print and reprint badges"),
            ("hand_over_badge", "Can hand badges over at the desk"),
        ]
        ordering = ["number", "version"]
        indexes = [models.Index(fields=["revoked_at"]), models.Index(fields=["printed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="badge_number_version_unique"),
            models.UniqueConstraint(
                fields=["accreditation"],
                condition=Q(revoked_at__isnull=True),
                name="badge_one_valid_per_accreditation",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="badge_validity_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.number}/v{self.version}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None


#: The first badge number ever issued; numbers then follow one another.
FIRST_BADGE_NUMBER = 100001


class BadgeNumberCounter(models.Model):
    """One row: the last badge number handed out. Issuing locks it, so two desks never
    take the same number and numbers follow one another without gaps."""

    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("badge number counter")

    def __str__(self):
        return str(self.last)


class GateVersion(models.Model):
    """One row: the gate bundle's version, the last one handed out. A change of what the
    gates read locks it and takes the next number until its transaction commits, so
    versions become visible in order and a device asking for "changes since" misses none."""

    last = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("gate bundle version")

    def __str__(self):
        return str(self.last)


class GateDevice(models.Model):
    """A phone or scanner registered by the secretariat to one or more zones' gates.

    It authenticates with its own token ("Authorization: Token gd_..."): only the token's
    SHA-256 is stored, shown once when made or replaced, never readable later.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    zones = models.ManyToManyField(Zone, related_name="gate_devices", verbose_name=_("zones"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: The token the device replaced itself (gate_device_rotate): still accepted until the
    #: new one is first used, so a lost answer does not lock the device out.
    previous_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: A revoked device's token opens nothing until the secretariat replaces it.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    #: Scans the device holds and has not sent yet, as it last said.
    scans_waiting = models.PositiveIntegerField(_("scans waiting"), default=0, editable=False)
    #: The secretariat asked the device (in use, out of reach) to replace its token itself:
    #: its next call is answered with X-Token-Rotate, until it has rotated.
    rotate_requested = models.BooleanField(_("new token asked for"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gate device")
        verbose_name_plural = _("gate devices")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def zone_codes(self):
        return [zone.code for zone in self.zones.all()]


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class ScanResult(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class ScanReason(models.TextChoices):
    OK = "ok", _("Valid badge")
    UNKNOWN = "unknown", _("Unknown badge")
    FORGED = "forged", _("Forged code")
    REVOKED = "revoked", _("Revoked badge")
    WRONG_ZONE = "wrong_zone", _("Not valid for this zone")
    NOT_COLLECTED = "not_collected", _("Badge not collected")
    NOT_VALID_TODAY = "not_valid_today", _("Not valid today")
    REFUSED = "refused", _("Refused by security")
    ALREADY_INSIDE = "already_inside", _("Already inside")


class Scan(models.Model):
    """One badge presented at one gate. Every scan is logged, granted or not.

    The log is written at every gate for every person, so its foreign keys are not database
    constraints (db_constraint=False): PostgreSQL checked each at commit with a share lock on
    the referenced row, and every gate's scans lock the same zone and officer rows, which made
    the gates' INSERTs wait on one another. The ids come from the rows the scan has just read; the
    on_delete rules (PROTECT the zone, keep the scan when a badge or officer goes) are applied
    by Django, and badges and zones are never deleted in use.
    """

    badge = models.ForeignKey(
        Badge, null=True, blank=True, on_delete=models.SET_NULL, related_name="scans", db_constraint=False
    )
    # No index of its own: the (zone, result, direction) index below serves zone lookups, and
    # every index is one more write per scan.
    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="scans", db_index=False, db_constraint=False
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    result = models.CharField(max_length=8, choices=ScanResult.choices)
    reason = models.CharField(max_length=16, choices=ScanReason.choices)
    #: Start of the presented code, for investigating unknown and forged scans.
    code_excerpt = models.CharField(max_length=80, blank=True)
    #: SHA-256 (hex) of the whole presented code: a retried nonce is answered only for the
    #: very code it was first logged with, not for another sharing its excerpt.
    code_digest = models.CharField(max_length=64, blank=True, default="", db_default="", editable=False)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    device = models.CharField(max_length=60, blank=True)
    #: Sent by scanners that retry: the same nonce is logged once (scan_nonce_unique).
    nonce = models.CharField(max_length=64, null=True, blank=True)
    #: When the badge was presented: the server's time, or the device's for a scan it
    #: decided offline (a default rather than auto_now_add, which would overwrite it).
    scanned_at = models.DateTimeField(default=timezone.now, editable=False)
    #: Decided by a device without the server (its result and reason as it gave them),
    #: received later in a batch at received_at.
    offline = models.BooleanField(default=False, db_default=False)
    received_at = models.DateTimeField(null=True, blank=True)
    #: Granted offline although its badge was void before scanned_at: for security to follow.
    granted_while_void = models.BooleanField(default=False, db_default=False)
    #: An officer undid this scan (a wrong direction, a mistaken scan): it no longer counts.
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        permissions = [
            ("check_in", "Can scan badges at a gate"),
            ("undo_scan", "Can undo the last scan at a gate"),
        ]
        ordering = ["-scanned_at"]
        indexes = [
            models.Index(fields=["zone", "result", "direction"]),
            models.Index(fields=["scanned_at"]),
            # The few flagged scans, for security's list and figure.
            models.Index(
                fields=["scanned_at"], condition=Q(granted_while_void=True), name="scan_granted_while_void"
            ),
        ]
        # A constraint rather than unique=True, which on PostgreSQL adds a second (LIKE) index
        # that no query uses and every scan would write.
        constraints = [models.UniqueConstraint(fields=["nonce"], name="scan_nonce_unique")]

    def __str__(self):
        return f"{self.zone.code} {self.direction} {self.result}"
