"""Writes the demo plan (`demo_plan`) to the database, in bulk.

The demo only ever adds delegations that are missing, each with everything that belongs to
it: focal point, members, accreditations, badges, scans, bookings, speaker requests, gala
invitations, signature. A delegation that exists (by code, or a State by country) is left
exactly as it is, edits included. So a second run adds nothing and writes nothing, and
`--scale 10` after a plain `--demo` adds only the copies.
"""

import contextlib
import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from accreditation.badges.keys import signing_key
from accreditation.models import Accreditation, Badge, Category, Scan, Zone
from delegations.models import Delegation, Document, DocumentKind, FocalPoint, Member
from hanoi_summit.seed.accounts import (
    STAFF_ACCOUNTS,
    align_passwords,
    demo_password,
    ensure_staff_accounts,
    focal_username,
)
from hanoi_summit.seed.demo_plan import BADGE_VALID_FROM, BADGE_VALID_UNTIL, plan_demo
from hanoi_summit.seed.photos import demo_photo_copy
from sessions.models import Booking, GalaInvitation, Session, Signature, SpeakerRequest

BATCH = 1000
FULL_POWERS_FILE = "documents/demo/full-powers.pdf"
NOMINATION_FILE = "documents/demo/nomination.pdf"
GALA_SESSION = "d1-gala"


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    skipped_delegations: int = 0
    password: object = None
    plan_members: int = 0

    def lines(self):
        if not self.created:
            return [f"nothing to add: all {self.skipped_delegations} demo delegations are present"]
        out = [f"{label}: {count} created" for label, count in self.created.items()]
        if self.skipped_delegations:
            out.append(f"delegations already present (left as they are): {self.skipped_delegations}")
        return out


@dataclass
class _Refs:
    """Reference rows the demo points at, read once."""

    zones: dict
    categories: dict
    category_zones: dict
    sessions: dict
    staff: dict


@contextlib.contextmanager
def _planned_times(model, *names):
    """Let bulk_create keep the plan's times in auto_now(_add) fields, for a deterministic demo.

    The flags are process-wide while the block runs: the demo writes in one thread.
    """
    fields = [model._meta.get_field(name) for name in names]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _insert_rows(model, columns, rows, batch=2000):
    """Plain multi-row INSERTs, for link tables too large to build as model instances."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join([placeholder] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {values}", [v for row in chunk for v in row]
            )


def _refs(staff):
    zones = {z.code: z for z in Zone.objects.all()}
    categories = {c.code: c for c in Category.objects.prefetch_related("default_zones")}
    category_zones = {
        code: sorted(c.default_zones.all(), key=lambda z: (z.sort_order, z.code))
        for code, c in categories.items()
    }
    sessions = {s.slug: s for s in Session.objects.all()}
    return _Refs(zones, categories, category_zones, sessions, staff)


def _missing(plan, report):
    """The planned delegations not in the database yet (by code, or a State's country)."""
    codes = set(Delegation.objects.values_list("code", flat=True))
    states = set(Delegation.objects.exclude(country="").values_list("country", flat=True))
    missing = []
    for delegation in plan.delegations:
        if delegation.code in codes or (
            delegation.fields["country"] and delegation.fields["country"] in states
        ):
            report.skipped_delegations += 1
            continue
        missing.append(delegation)
    return missing


def _create_delegations(missing):
    rows = [Delegation(**d.fields) for d in missing]
    with _planned_times(Delegation, "created_at", "updated_at"):
        Delegation.objects.bulk_create(rows, batch_size=BATCH)
    return {row.code: row for row in rows}


def _create_focal_points(missing, delegations, password, report):
    User = get_user_model()
    usernames = [focal_username(d.code) for d in missing]
    existing = {
        u.username: u for u in User.objects.filter(username__in=usernames).select_related("focal_point")
    }
    new_users = [
        User(
            username=focal_username(d.code),
            first_name=d.focal["first_name"],
            last_name=d.focal["last_name"],
            email=d.focal["email"],
            password=password.hash_for_new_accounts(),
        )
        for d in missing
        if focal_username(d.code) not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=BATCH)
    users = {**existing, **{u.username: u for u in new_users}}
    focal_points = []
    for d in missing:
        user = users[focal_username(d.code)]
        if user.username not in existing or not hasattr(user, "focal_point"):
            focal_points.append(FocalPoint(user=user, delegation=delegations[d.code]))
    FocalPoint.objects.bulk_create(focal_points, batch_size=BATCH)
    report.created["focal point accounts"] += len(new_users)
    return {d.code: users[focal_username(d.code)] for d in missing}


def _free_passports(missing):
    """Planned passports someone else already holds get a suffix: the plan stays unique."""
    planned = [m.fields for d in missing for m in d.members]
    taken = set(Member.objects.exclude(passport_number="").values_list("passport_number", flat=True))
    for fields in planned:
        while fields["passport_number"] in taken:
            fields["passport_number"] += "A"
        taken.add(fields["passport_number"])


def _create_members(missing, delegations):
    _free_passports(missing)
    members = {}
    rows = []
    for d in missing:
        for plan in d.members:
            # Ids, not instances: thousands of rows, and related-object setters are slow.
            row = Member(
                delegation_id=delegations[d.code].pk,
                is_locked=plan.status not in ("draft", "returned"),
                **plan.fields,
            )
            row.search_name_refresh()  # bulk_create skips Member.save()
            if row.photo:
                # A file of the member's own: replacing one member's photo deletes no other's.
                row.photo = demo_photo_copy(row, plan.fields["photo"])
            members[plan] = row
            rows.append(row)
    with _planned_times(Member, "created_at", "updated_at"):
        Member.objects.bulk_create(rows, batch_size=BATCH)
    return members


def _create_accreditations(missing, members, refs):
    accreditations = {}
    for d in missing:
        for plan in d.members:
            category = refs.categories.get(plan.category) if plan.category else None
            acc = Accreditation(
                member_id=members[plan].pk,
                status=plan.status,
                category_id=category.pk if category else None,
                reviewed_by_id=refs.staff["accreditation"].pk if plan.reviewed else None,
                vetted_by_id=refs.staff["security"].pk if plan.vetted else None,
                **plan.accreditation,
            )
            accreditations[plan] = acc
    with _planned_times(Accreditation, "created_at", "updated_at"):
        Accreditation.objects.bulk_create(accreditations.values(), batch_size=BATCH)
    links = [
        (acc.pk, zone.pk)
        for plan, acc in accreditations.items()
        if acc.category_id
        for zone in refs.category_zones[plan.category]
    ]
    _insert_rows(Accreditation.zones.through, ["accreditation_id", "zone_id"], links)
    return accreditations


def _free_badge_numbers(missing):
    """Planned badge numbers already taken (a badge issued in the app) move past the top."""
    taken = set(Badge.objects.values_list("number", flat=True).distinct())
    if not taken:
        return
    moved = {}
    top = max(taken | {b.number for d in missing for m in d.members for b in m.badges})
    for d in missing:
        for member in d.members:
            for badge in member.badges:
                if badge.number in taken:
                    if badge.number not in moved:
                        top += 1
                        moved[badge.number] = top
                    badge.number = moved[badge.number]


def _create_badges(missing, accreditations, refs):
    # The demo's badges count as printed with the signing key: it must exist before them, as
    # a key missing while printed badges exist is never remade (accreditation/badges/keys.py).
    signing_key()
    _free_badge_numbers(missing)
    protocol, security = refs.staff["protocol"].pk, refs.staff["security"].pk
    badges = {}
    for d in missing:
        for plan in d.members:
            acc = accreditations[plan]
            if not plan.badges or acc.category_id is None:
                continue
            zone_codes = " ".join(z.code for z in refs.category_zones[plan.category])
            for spec in plan.badges:
                badges[spec] = Badge(
                    accreditation_id=acc.pk,
                    issued_at=spec.issued_at,
                    number=spec.number,
                    version=spec.version,
                    category_id=acc.category_id,
                    zone_codes=zone_codes,
                    valid_from=BADGE_VALID_FROM,
                    valid_until=BADGE_VALID_UNTIL,
                    issued_by_id=protocol,
                    reprint_reason=spec.reprint_reason,
                    printed_at=spec.printed_at,
                    printed_by_id=protocol if spec.printed_at else None,
                    collected_at=spec.collected_at,
                    collected_by_id=protocol if spec.collected_at else None,
                    id_document_seen=f"passport ending {plan.fields['passport_number'][-3:]}"
                    if spec.collected_at
                    else "",
                    revoked_at=spec.revoked_at,
                    # A lost badge is revoked by the desk that reprints it; others by security.
                    revoked_by_id=(protocol if len(plan.badges) > 1 else security)
                    if spec.revoked_at
                    else None,
                    revoked_reason=spec.revoked_reason,
                )
    with _planned_times(Badge, "issued_at"):
        Badge.objects.bulk_create(badges.values(), batch_size=BATCH)
    return badges


def _create_scans(missing, badges, refs):
    taken = set(Scan.objects.filter(nonce__startswith="demo-").values_list("nonce", flat=True))
    gate = refs.staff["gate"]
    rows = []
    for d in missing:
        for spec in d.scans:
            badge = badges.get(spec["badge"])
            if badge is None or spec["nonce"] in taken or spec["zone"] not in refs.zones:
                continue
            scan = Scan(
                badge=badge,
                zone=refs.zones[spec["zone"]],
                direction=spec["direction"],
                result=spec["result"],
                reason=spec["reason"],
                officer=gate,
                device=spec["device"],
                nonce=spec["nonce"],
                scanned_at=spec["scanned_at"],
            )
            rows.append(scan)
    with _planned_times(Scan, "scanned_at"):
        Scan.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _create_bookings(plan, new_codes, members, focal_users, refs):
    rows = []
    for slug, code, member, status, when in plan.bookings:
        if code in new_codes and slug in refs.sessions:
            booking = Booking(
                session=refs.sessions[slug],
                member=members[member],
                status=status,
                booked_by=focal_users[code],
                created_at=when,
                updated_at=when,
            )
            rows.append(booking)
    with _planned_times(Booking, "created_at", "updated_at"):
        Booking.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _create_speaker_requests(plan, new_codes, members, delegations, refs):
    rows = []
    for slug, code, member, status, when in plan.speaker_requests:
        if code in new_codes and slug in refs.sessions:
            request = SpeakerRequest(
                session=refs.sessions[slug],
                delegation=delegations[code],
                speaker=members[member],
                level=member.rank,
                status=status,
                requested_at=when,
            )
            rows.append(request)
    with _planned_times(SpeakerRequest, "requested_at"):
        SpeakerRequest.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _create_gala_invitations(plan, new_codes, members, refs):
    session = refs.sessions.get(GALA_SESSION)
    if session is None:
        return 0
    rows = [
        GalaInvitation(session=session, member=members[member], **fields)
        for code, member, fields in plan.gala
        if code in new_codes
    ]
    GalaInvitation.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _demo_pdf(name, heading, line):
    """One small PDF, stored once and shared by the demo's documents of a kind."""
    if not default_storage.exists(name):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(72, 760, heading)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 730, line)
        pdf.save()
        default_storage.save(name, ContentFile(buffer.getvalue()))
    return name


def _full_powers_file():
    return _demo_pdf(
        FULL_POWERS_FILE,
        "FULL POWERS (demo document)",
        "to sign the United Nations Convention against Cybercrime, Hanoi, 25 October 2025.",
    )


def _create_nominations(missing, delegations, focal_users):
    """The note verbale or letter of nomination of each delegation that has submitted."""
    sending = [d for d in missing if d.nomination]
    if not sending:
        return 0
    pdf = _demo_pdf(
        NOMINATION_FILE,
        "NOTE VERBALE / LETTER OF NOMINATION (demo document)",
        "Composition of the delegation to the signing ceremony, Hanoi, 25-26 October 2025.",
    )
    rows = [
        Document(
            delegation=delegations[d.code],
            kind=d.nomination["kind"],
            file=pdf,
            original_name="nomination.pdf",
            reference=d.nomination["reference"],
            date=d.nomination["date"],
            uploaded_by=focal_users[d.code],
            uploaded_at=d.nomination["uploaded_at"],
        )
        for d in sending
    ]
    with _planned_times(Document, "uploaded_at"):
        Document.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _create_signatures(missing, delegations, members, refs):
    signing = [d for d in missing if d.signature]
    if not signing:
        return 0
    pdf = _full_powers_file()
    documents = {}
    for d in signing:
        if d.signature["full_powers_status"] in ("received", "verified", "refused"):
            documents[d.code] = Document(
                delegation=delegations[d.code],
                member=members[d.signature["signatory"]],
                kind=DocumentKind.FULL_POWERS,
                file=pdf,
                original_name="full-powers.pdf",
                reference=f"FP/{d.code.upper()}/2025",
                date=d.signature["confirmed_at"].date(),
                uploaded_by=None,
                uploaded_at=d.signature["confirmed_at"],
            )
    with _planned_times(Document, "uploaded_at"):
        Document.objects.bulk_create(documents.values(), batch_size=BATCH)
    rows = []
    for d in signing:
        spec = d.signature
        rows.append(
            Signature(
                delegation=delegations[d.code],
                signatory=members[spec["signatory"]],
                basis=spec["basis"],
                full_powers_status=spec["full_powers_status"],
                full_powers=documents.get(d.code),
                full_powers_note=spec["full_powers_note"],
                confirmed_at=spec["confirmed_at"],
                slot_order=spec.get("slot_order"),
                slot_starts_at=spec.get("slot_starts_at"),
                signed_at=spec.get("signed_at"),
                recorded_by=refs.staff["protocol"] if spec.get("signed_at") else None,
            )
        )
    Signature.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@transaction.atomic
def load_demo(*, scale=1, configured_password=""):
    """Add the demo's missing delegations with their people and programme, and the accounts.

    Side effects: creates users (staff in their role groups, one focal point per new
    delegation), delegations, members, accreditations and their zones, badges, scans,
    bookings, speaker requests, gala invitations, full-powers documents and signatures;
    stores a file of its own per member with a photo (a copy of a demo portrait) and the
    full-powers PDF. With DEMO_PASSWORD set, resets demo accounts holding another password.
    Sends no e-mail. Needs the reference data loaded.
    """
    report = DemoReport()
    password = demo_password(configured_password)
    report.password = password
    plan = plan_demo(scale=scale)
    report.plan_members = sum(len(d.members) for d in plan.delegations)
    align_passwords(
        password,
        configured_password,
        usernames=[*STAFF_ACCOUNTS, *(focal_username(d.code) for d in plan.delegations)],
    )
    staff = ensure_staff_accounts(password)
    refs = _refs(staff)
    missing = _missing(plan, report)
    if not missing:
        return report
    delegations = _create_delegations(missing)
    focal_users = _create_focal_points(missing, delegations, password, report)
    members = _create_members(missing, delegations)
    accreditations = _create_accreditations(missing, members, refs)
    badges = _create_badges(missing, accreditations, refs)
    new_codes = {d.code for d in missing}
    report.created["delegations"] = len(delegations)
    report.created["members"] = len(members)
    report.created["accreditations"] = len(accreditations)
    report.created["badges"] = len(badges)
    report.created["scans"] = _create_scans(missing, badges, refs)
    report.created["bookings"] = _create_bookings(plan, new_codes, members, focal_users, refs)
    report.created["speaker requests"] = _create_speaker_requests(plan, new_codes, members, delegations, refs)
    report.created["gala invitations"] = _create_gala_invitations(plan, new_codes, members, refs)
    report.created["signatures"] = _create_signatures(missing, delegations, members, refs)
    report.created["notes verbales and letters"] = _create_nominations(missing, delegations, focal_users)
    return report
