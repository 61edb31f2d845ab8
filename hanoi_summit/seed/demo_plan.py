"""The demo as a plan: a pure, deterministic function of the scale, written by `demo`.

Each delegation draws from its own random generator seeded with its code, and the scaled
copies come after the real participants: so `plan_demo(scale=10)` starts with exactly the
delegations, members, passports and badge numbers of `plan_demo(scale=1)`. No wall clock:
every time is derived from the event's dates, and the demo depicts the state of things at
SNAPSHOT, mid-morning of the first day (signatures under way, badges being scanned).
"""

import datetime as dt
import functools
import random
import unicodedata
from dataclasses import dataclass, field

from django_countries import countries

from accreditation.models import FIRST_BADGE_NUMBER
from accreditation.models import AccreditationStatus as S
from accreditation.rules import suggest_category_code
from delegations.models import SIGNATORY_KINDS, STATE_KINDS, Gender, person_name_of
from delegations.models import DelegationKind as K
from delegations.models import DelegationStatus as DS
from delegations.models import MemberRole as R
from delegations.models import ProtocolRank as PR
from hanoi_summit.seed import participants, reference
from hanoi_summit.seed.loader import local_time
from hanoi_summit.seed.names import FAMILY_FIRST, NAMES
from hanoi_summit.seed.photos import PHOTO_COUNT, photo_name
from sessions.models import SigningBasis

SEED = "hanoi-summit-2025"
SNAPSHOT = local_time(reference.DAY_1, "11:00")
BADGE_VALID_FROM = dt.date.fromisoformat(reference.DAY_1)
BADGE_VALID_UNTIL = dt.date.fromisoformat(reference.DAY_2)

#: Statuses in which a person is still expected at the event.
ACTIVE = {S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.APPROVED, S.CLEARED, S.BADGE_ISSUED, S.PRINTED,
          S.COLLECTED}  # fmt: skip
DECIDED = {S.APPROVED, S.CLEARED, S.REFUSED, S.BADGE_ISSUED, S.PRINTED, S.COLLECTED, S.REVOKED}
VETTED = {S.CLEARED, S.REFUSED, S.BADGE_ISSUED, S.PRINTED, S.COLLECTED, S.REVOKED}
WITH_BADGE = {S.BADGE_ISSUED, S.PRINTED, S.COLLECTED, S.REVOKED}

# --- Weights ---------------------------------------------------------------------------
DELEGATION_STATUS_WEIGHTS = {DS.CONFIRMED: 62, DS.REGISTERED: 26, DS.INVITED: 8, DS.WITHDRAWN: 4}
#: Always confirmed: the host and the delegations the demo logins show.
ALWAYS_CONFIRMED = {"vnm", "fra", "eu", "unodc", "usa", "gbr", "jpn", "interpol", "asean", "coe"}
STATUS_WEIGHTS = {
    DS.CONFIRMED: {S.DRAFT: 2, S.SUBMITTED: 4, S.UNDER_REVIEW: 4, S.RETURNED: 2, S.REJECTED: 1,
                   S.APPROVED: 7, S.CLEARED: 10, S.REFUSED: 1, S.BADGE_ISSUED: 14, S.PRINTED: 20,
                   S.COLLECTED: 33, S.REVOKED: 2},
    DS.REGISTERED: {S.DRAFT: 25, S.SUBMITTED: 30, S.UNDER_REVIEW: 20, S.RETURNED: 10, S.REJECTED: 3,
                    S.APPROVED: 12},
    DS.WITHDRAWN: {S.DRAFT: 60, S.REVOKED: 40},
}  # fmt: skip
HEAD_STATUS_WEIGHTS = {
    DS.CONFIRMED: {S.APPROVED: 5, S.CLEARED: 10, S.BADGE_ISSUED: 15, S.PRINTED: 25, S.COLLECTED: 45},
    DS.REGISTERED: {S.SUBMITTED: 20, S.UNDER_REVIEW: 20, S.APPROVED: 30, S.CLEARED: 30},
}
HEAD_RANK_WEIGHTS = {PR.HEAD_OF_STATE: 5, PR.HEAD_OF_GOVERNMENT: 4, PR.VICE_PRESIDENT: 2,
                     PR.DEPUTY_PRIME_MINISTER: 5, PR.MINISTER: 30, PR.VICE_MINISTER: 25,
                     PR.HEAD_OF_DELEGATION: 29}  # fmt: skip
STATE_ROLE_WEIGHTS = {R.DELEGATE: 55, R.ADVISER: 25, R.SECURITY: 6, R.DRIVER: 5, R.INTERPRETER: 5,
                      R.PRESS_ATTACHE: 4}  # fmt: skip
MEMBERS_BY_KIND = {K.MEMBER_STATE: (9, 23), K.OBSERVER_STATE: (3, 6), K.REIO: (14, 14),
                   K.UN_ENTITY: (3, 10), K.IGO: (3, 8), K.NGO: (2, 5), K.PRIVATE_SECTOR: (2, 4),
                   K.ACADEMIA: (2, 3), K.MEDIA: (4, 10)}  # fmt: skip
HOST_MEMBERS = 100

# --- Words -----------------------------------------------------------------------------
HEAD_FUNCTIONS = {
    PR.HEAD_OF_STATE: ["Head of State"],
    PR.HEAD_OF_GOVERNMENT: ["Prime Minister"],
    PR.VICE_PRESIDENT: ["Vice-President"],
    PR.DEPUTY_PRIME_MINISTER: ["Deputy Prime Minister", "Deputy Prime Minister and Minister of Justice"],
    PR.MINISTER: ["Minister for Foreign Affairs", "Minister for Foreign Affairs", "Minister of Justice",
                  "Minister of the Interior", "Minister of Digital Affairs", "Minister of Public Security",
                  "Attorney General"],
    PR.VICE_MINISTER: ["Deputy Minister for Foreign Affairs", "Vice-Minister of Justice",
                       "Deputy Minister of the Interior", "State Secretary for Digital Affairs"],
    PR.HEAD_OF_DELEGATION: ["Ambassador to Viet Nam",
                            "Ambassador, Permanent Representative to the United Nations (Vienna)",
                            "Ambassador for Cyber Affairs", "Director-General for Legal Affairs"],
}  # fmt: skip
STATE_FUNCTIONS = {
    R.DEPUTY: ["Deputy Permanent Representative", "Director, International Law Department",
               "Director-General, National Cybersecurity Agency", "Deputy Director-General for Legal Affairs"],
    R.DELEGATE: ["Counsellor", "First Secretary", "Second Secretary", "Legal Adviser, Ministry of Foreign Affairs",
                 "Prosecutor, Cybercrime Unit", "Head of the National Cybercrime Unit",
                 "Senior Police Officer, Cybercrime Division", "Judge, Supreme Court",
                 "Policy Officer, Ministry of Justice", "Attaché", "Director, Computer Emergency Response Team"],
    R.ADVISER: ["Adviser", "Technical Adviser", "Legal Adviser", "Senior Adviser to the Minister",
                "Communications Adviser"],
    R.SECURITY: ["Close Protection Officer", "Security Officer"],
    R.DRIVER: ["Driver"],
    R.INTERPRETER: ["Interpreter"],
    R.PRESS_ATTACHE: ["Press Attaché", "Spokesperson"],
    R.SPOUSE: ["Spouse of the Head of Delegation"],
}  # fmt: skip
ORG_FUNCTIONS = {
    K.REIO: (["Commissioner for Home Affairs"], ["Head of Unit, Cybercrime", "Policy Officer", "Legal Officer",
                                                  "Deputy Head of Delegation", "Adviser"]),
    # Heads are never given the offices of real, named people (the UNODC Executive Director
    # is a named guest of the programme).
    K.UN_ENTITY: (["Director", "Chief of Branch", "Head of Office", "Deputy Director"],
                  ["Programme Officer", "Legal Officer", "Senior Programme Manager", "Crime Prevention Officer",
                   "Policy Specialist", "Chief of Section", "Liaison Officer"]),
    K.IGO: (["Director", "Special Representative", "Head of the Cybercrime Programme"],
            ["Programme Manager", "Legal Officer", "Liaison Officer", "Senior Policy Adviser",
             "Cybercrime Coordinator"]),
    K.NGO: (["Executive Director", "President", "Director", "Chair of the Board"],
            ["Policy Lead", "Researcher", "Programme Manager", "Advocacy Officer", "Legal Counsel"]),
    K.PRIVATE_SECTOR: (["Chief Executive Officer", "Chief Security Officer", "Vice-President, Public Policy",
                        "General Counsel"],
                       ["Threat Intelligence Lead", "Head of Government Affairs", "Security Engineer",
                        "Legal Counsel", "Trust and Safety Manager"]),
    K.ACADEMIA: (["Director", "Professor", "Dean"],
                 ["Senior Researcher", "Associate Professor", "Research Fellow", "Doctoral Researcher"]),
    K.MEDIA: (["Bureau Chief", "Editor-in-Chief", "Senior Correspondent"],
              ["Journalist", "Reporter", "Photographer", "Camera Operator", "Producer", "Correspondent"]),
}  # fmt: skip
ORG_ADVISERS = ["Adviser", "Senior Adviser", "Special Adviser", "Technical Adviser"]
#: Host members who staff the event rather than represent Viet Nam: organiser badges.
HOST_STAFF_FUNCTIONS = ["Organising Committee, Protocol Sub-committee",
                        "Organising Committee, Content Sub-committee",
                        "Organising Committee, Finance and Logistics Sub-committee",
                        "Organising Committee, Media and Culture Sub-committee",
                        "Permanent Secretariat, Ministry of Public Security"]  # fmt: skip
DIETARY = ["Vegetarian", "Halal", "Kosher", "Vegan", "No pork", "Gluten-free", "Nut allergy"]
ACCESSIBILITY = ["Wheelchair access", "Hearing loop", "Reserved seat near the aisle"]
RETURN_REASONS = [
    "The photo does not meet the requirements: plain light background, taken within the last six months.",
    "The passport expires within six months of the event: please give a valid passport.",
    "The function is missing or unclear: please give the person's title and office.",
    "The date of birth does not match the passport copy.",
]
REJECT_REASONS = [
    "The delegation's badge quota is exhausted.",
    "The note verbale does not name this person as a member of the delegation.",
]
REVOKE_REASONS = ["Withdrawn by the delegation", "Security decision", "Replaced: badge reported lost"]
COPY_PREFIXES = ["Asia-Pacific", "Mekong", "Baltic", "Sahel", "Andean", "Nordic", "Gulf", "Caribbean",
                 "Danube", "Pacific", "Atlantic", "Alpine", "Himalayan", "Great Lakes", "Adriatic",
                 "Caspian", "Horn of Africa", "Iberian", "Balkan", "Levant"]  # fmt: skip
COPY_TOPICS = ["Cyber Resilience", "Digital Rights", "Cybercrime Research", "Online Safety",
               "Digital Evidence", "Internet Governance", "Fraud Prevention", "Child Online Protection",
               "Cyber Law", "Data Protection", "Information Security", "Digital Forensics"]  # fmt: skip
COPY_SUFFIXES = {K.NGO: ["Network", "Alliance", "Foundation", "Coalition", "Forum"],
                 K.ACADEMIA: ["Institute", "Centre", "Observatory"],
                 K.PRIVATE_SECTOR: ["Group", "Solutions", "Partners"],
                 K.MEDIA: ["News", "Review", "Report"]}  # fmt: skip
COPY_KINDS = [K.NGO, K.ACADEMIA, K.PRIVATE_SECTOR, K.MEDIA]


# --- The plan --------------------------------------------------------------------------
@dataclass(eq=False)
class BadgePlan:
    version: int
    issued_at: dt.datetime
    printed_at: dt.datetime | None = None
    collected_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revoked_reason: str = ""
    reprint_reason: str = ""
    number: int = 0


@dataclass(eq=False)
class MemberPlan:
    #: Member model fields (without the delegation).
    fields: dict
    status: str
    category: str | None = None
    #: Accreditation model fields other than status, category and the staff accounts.
    accreditation: dict = field(default_factory=dict)
    reviewed: bool = False
    vetted: bool = False
    badges: list = field(default_factory=list)

    @property
    def rank(self):
        return self.fields["protocol_rank"]

    @property
    def role(self):
        return self.fields["role"]

    @property
    def display_name(self):
        return person_name_of(
            self.fields["family_name"], self.fields["given_names"], self.fields["family_name_first"]
        )


@dataclass(eq=False)
class DelegationPlan:
    #: Delegation model fields.
    fields: dict
    region: str
    domain: str
    focal: dict
    members: list = field(default_factory=list)
    scans: list = field(default_factory=list)
    signature: dict | None = None
    #: The note verbale (States) or letter of nomination sent before the first submission.
    nomination: dict | None = None

    @property
    def code(self):
        return self.fields["code"]

    @property
    def kind(self):
        return self.fields["kind"]

    @property
    def status(self):
        return self.fields["status"]

    @property
    def head(self):
        return next((m for m in self.members if m.role == R.HEAD), None)


@dataclass
class DemoPlan:
    delegations: list
    #: (session slug, delegation code, member plan, status, created_at), in booking order.
    bookings: list = field(default_factory=list)
    #: (session slug, delegation code, member plan, status, requested_at).
    speaker_requests: list = field(default_factory=list)
    #: (delegation code, member plan, dict of GalaInvitation fields).
    gala: list = field(default_factory=list)

    def members(self):
        for delegation in self.delegations:
            yield from delegation.members


def _rng(*parts):
    return random.Random(":".join((SEED, *map(str, parts))))


def _weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _between(rng, start, end):
    """A time between start and end, on the minute."""
    minutes = max(int((end - start).total_seconds() // 60), 1)
    return start + dt.timedelta(minutes=rng.randrange(minutes))


def _after(rng, start, low_minutes, high_minutes, cap=None):
    moment = start + dt.timedelta(minutes=rng.randint(low_minutes, high_minutes))
    return min(moment, cap) if cap else moment


@functools.cache
def _ascii(text):
    text = text.translate(str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ł": "l", "ø": "o", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if c.isascii() and c.isalnum())


def _countries_by_region():
    by_region = {}
    for alpha2, region in [participants.HOST, *participants.MEMBER_STATES, *participants.OBSERVER_STATES]:
        by_region.setdefault(region, []).append(alpha2)
    return by_region


COUNTRIES_BY_REGION = _countries_by_region()


# --- Delegations -----------------------------------------------------------------------
def _state_delegation(alpha2, region, kind):
    code = countries.alpha3(alpha2).lower()
    name = participants.UN_NAMES.get(alpha2) or str(countries.name(alpha2))
    domain = f"mfa.{code}.example"
    fields = {
        "kind": kind,
        "country": alpha2,
        "name": name,
        "acronym": "",
        "code": code,
        "ministry": "Ministry of Public Security"
        if kind == K.HOST_COUNTRY
        else "Ministry of Foreign Affairs",
        "mission": "" if kind == K.HOST_COUNTRY else f"Embassy of {name} in Hanoi",
        "address": "Hanoi, Viet Nam",
        "contact_email": f"accreditation@{domain}",
    }
    return fields, domain


def _organisation_delegation(acronym, name, kind):
    code = acronym.lower()
    domain = f"{code}.example"
    fields = {
        "kind": kind,
        "country": "",
        "name": name,
        "acronym": "EU" if kind == K.REIO else acronym,
        "code": code,
        "ministry": "",
        "mission": "",
        "address": "",
        "contact_email": f"accreditation@{domain}",
    }
    return fields, domain


def _copy_delegation(base, copy, index):
    """A scaled copy: an invented organisation as large as the base delegation."""
    kind = base.kind if base.kind in COPY_KINDS else COPY_KINDS[index % len(COPY_KINDS)]
    prefix = COPY_PREFIXES[(index + copy) % len(COPY_PREFIXES)]
    topic = COPY_TOPICS[(index // len(COPY_PREFIXES) + copy) % len(COPY_TOPICS)]
    suffixes = COPY_SUFFIXES[kind]
    suffix = suffixes[(index + copy) % len(suffixes)]
    name = f"{prefix} {topic} {suffix}"
    acronym = "".join(word[0] for word in name.replace("-", " ").split() if word[0].isupper())
    code = f"{acronym.lower()}-{copy}{index:03d}"
    domain = f"{code}.example"
    fields = {
        "kind": kind,
        "country": "",
        "name": name,
        "acronym": acronym,
        "code": code,
        "ministry": "",
        "mission": "",
        "address": "",
        "contact_email": f"accreditation@{domain}",
    }
    return fields, domain


def _new_delegation(fields, domain, region, rng):
    if fields["code"] in ALWAYS_CONFIRMED or fields["kind"] == K.HOST_COUNTRY:
        status = DS.CONFIRMED
    else:
        status = _weighted(rng, DELEGATION_STATUS_WEIGHTS)
    fields["status"] = status
    given, family = _name(rng, region, rng.random() < 0.5)
    invited = _between(rng, local_time("2025-09-01", "09:00"), local_time("2025-09-12", "18:00"))
    fields["created_at"] = fields["updated_at"] = invited
    focal = {
        "first_name": given,
        "last_name": family,
        "email": f"focal-point@{domain}",
    }
    return DelegationPlan(fields=fields, region=region, domain=domain, focal=focal)


# --- People ----------------------------------------------------------------------------
def _name(rng, region, female):
    pool = NAMES[region]
    return rng.choice(pool["female" if female else "male"]), rng.choice(pool["family"])


def _head_rank(rng, delegation):
    if delegation.kind == K.HOST_COUNTRY:
        return PR.DEPUTY_PRIME_MINISTER
    if delegation.kind == K.MEMBER_STATE:
        return _weighted(rng, HEAD_RANK_WEIGHTS)
    if delegation.kind == K.REIO:
        return PR.MINISTER
    return PR.OBSERVER


def _roles(rng, delegation, count, head_rank):
    roles = [R.HEAD]
    if delegation.kind in (K.HOST_COUNTRY, K.MEMBER_STATE):
        if count >= 4:
            roles.append(R.DEPUTY)
        if head_rank <= PR.VICE_PRESIDENT:
            # A head of State or Government travels with a spouse, close protection and press.
            roles += [R.SPOUSE, R.SECURITY, R.SECURITY, R.PRESS_ATTACHE]
        while len(roles) < count:
            roles.append(_weighted(rng, STATE_ROLE_WEIGHTS))
    elif delegation.kind == K.MEDIA:
        roles += [R.DELEGATE] * (count - 1)
    else:
        while len(roles) < count:
            roles.append(R.DELEGATE if rng.random() < 0.75 else R.ADVISER)
    return roles[: max(count, 1)]


def _function(rng, delegation, role, rank, index):
    if delegation.kind == K.HOST_COUNTRY:
        if role == R.HEAD:
            return "Deputy Prime Minister and Minister for Foreign Affairs"
        if role == R.DELEGATE and index % 3 == 0:
            return rng.choice(HOST_STAFF_FUNCTIONS)
    if delegation.kind in STATE_KINDS:
        if role == R.HEAD:
            if delegation.kind == K.OBSERVER_STATE:
                return "Permanent Observer to the United Nations (Vienna)"
            return rng.choice(HEAD_FUNCTIONS[rank])
        return rng.choice(STATE_FUNCTIONS[role])
    heads, others = ORG_FUNCTIONS[delegation.kind]
    if role == R.ADVISER:
        return rng.choice(ORG_ADVISERS)
    return rng.choice(heads if role == R.HEAD else others)


def _category(delegation, member):
    """The category accreditation's rule suggests; host staff wear the organisers' badge."""
    if delegation.kind == K.HOST_COUNTRY and member.fields["function"] in HOST_STAFF_FUNCTIONS:
        return "STF"
    return suggest_category_code(kind=delegation.kind, rank=member.rank, role=member.role)


def _person(rng, delegation, role, rank, index, used_passports, head=None):
    region = delegation.region
    if delegation.kind not in STATE_KINDS and rng.random() < 0.3:
        # International staff come from everywhere.
        region = rng.choice(sorted(COUNTRIES_BY_REGION))
    if role == R.SPOUSE and head is not None:
        female = head.fields["gender"] == Gender.MALE
        given, _ = _name(rng, region, female)
        family = head.fields["family_name"]
    else:
        female = rng.random() < 0.46
        given, family = _name(rng, region, female)
    nationality = delegation.fields["country"] or rng.choice(COUNTRIES_BY_REGION[region])
    passport = ""
    while not passport or passport in used_passports:
        passport = f"{nationality}{rng.randrange(10**7):07d}"
    used_passports.add(passport)
    function = _function(rng, delegation, role, rank, index)
    excellency = role == R.HEAD and rank <= PR.HEAD_OF_DELEGATION and delegation.kind in SIGNATORY_KINDS
    title = ("H.E. Ms" if female else "H.E. Mr") if excellency else ("Ms" if female else "Mr")
    if not excellency and delegation.kind == K.ACADEMIA and rng.random() < 0.6:
        title = "Dr"
    born_from, born_to = (1955, 1978) if role == R.HEAD else (1962, 2000)
    birth = dt.date(born_from, 1, 1) + dt.timedelta(days=rng.randrange((born_to - born_from) * 365))
    local = delegation.kind == K.HOST_COUNTRY
    arrival = (
        None if local else _between(rng, local_time("2025-10-22", "06:00"), local_time("2025-10-25", "07:00"))
    )
    departure = (
        None if local else _between(rng, local_time("2025-10-26", "18:00"), local_time("2025-10-29", "12:00"))
    )
    family_first = region in FAMILY_FIRST
    email_local = (
        f"{_ascii(given)}.{_ascii(family)}" if not family_first else f"{_ascii(family)}.{_ascii(given)}"
    )
    return {
        "family_name": family,
        "given_names": given,
        "family_name_first": family_first,
        "badge_name": person_name_of(family, given, family_first),
        "title": title,
        "function": function,
        "protocol_rank": rank,
        "role": role,
        "gender": Gender.FEMALE if female else Gender.MALE,
        "date_of_birth": birth,
        "nationality": nationality,
        "passport_number": passport,
        "passport_expiry": dt.date(2028, 6, 1) + dt.timedelta(days=rng.randrange(8 * 365)),
        "email": f"{email_local}@{delegation.domain}",
        "language": participants.LANGUAGE_BY_REGION.get(region, "en"),
        "photo": photo_name(rng.randrange(PHOTO_COUNT)),
        "arrival": arrival,
        "departure": departure,
        "dietary_needs": rng.choice(DIETARY) if rng.random() < 0.1 else "",
        "accessibility_needs": rng.choice(ACCESSIBILITY) if rng.random() < 0.02 else "",
    }


def _status(rng, delegation, member):
    weights = STATUS_WEIGHTS[delegation.status]
    if member.role == R.HEAD:
        weights = HEAD_STATUS_WEIGHTS.get(delegation.status, weights)
    return _weighted(rng, weights)


def _workflow(rng, delegation, member):
    """Fill in the accreditation's history for its status: dates, decisions, badges."""
    status = member.status
    acc = member.accreditation
    if status == S.DRAFT:
        if rng.random() < 0.3:
            member.fields["photo"] = ""  # not uploaded yet
        return
    submitted = _between(rng, local_time("2025-09-15", "08:00"), local_time("2025-10-20", "18:00"))
    acc["submitted_at"] = submitted
    member.reviewed = status not in (S.SUBMITTED,)
    if status in DECIDED or status in (S.RETURNED, S.REJECTED):
        acc["reviewed_at"] = _after(rng, submitted, 60, 4 * 24 * 60, cap=local_time("2025-10-22", "18:00"))
    if status == S.RETURNED:
        acc["decision_reason"] = rng.choice(RETURN_REASONS)
    if status == S.REJECTED:
        acc["decision_reason"] = rng.choice(REJECT_REASONS)
    if status in DECIDED:
        member.category = _category(delegation, member)
    if status in VETTED:
        member.vetted = True
        acc["vetted_at"] = _after(
            rng, acc["reviewed_at"], 60, 2 * 24 * 60, cap=local_time("2025-10-23", "18:00")
        )
    if status == S.REFUSED:
        acc["vetting_note"] = "Refused after vetting; reasons held by the Ministry of Public Security."
    if status in WITH_BADGE:
        member.badges = _badges(rng, member, acc["vetted_at"])


def _badges(rng, member, vetted_at):
    status = member.status
    issued = _after(rng, vetted_at, 30, 24 * 60, cap=local_time("2025-10-24", "12:00"))
    badge = BadgePlan(version=1, issued_at=issued)
    if status in (S.PRINTED, S.COLLECTED) or (status == S.REVOKED and rng.random() < 0.5):
        badge.printed_at = _after(rng, issued, 30, 36 * 60, cap=local_time("2025-10-24", "20:00"))
    if status == S.COLLECTED:
        start = max(badge.printed_at, local_time("2025-10-23", "08:00"))
        badge.collected_at = _between(rng, start, local_time("2025-10-25", "08:30"))
    if status == S.REVOKED:
        badge.revoked_at = _after(
            rng, badge.printed_at or issued, 60, 24 * 60, cap=local_time("2025-10-25", "09:00")
        )
        badge.revoked_reason = rng.choice(REVOKE_REASONS[:2])
        return [badge]
    if status == S.COLLECTED and rng.random() < 0.03:
        # Lost and reprinted: the first badge stops working when the second is issued.
        reissued = _after(rng, badge.collected_at, 60, 6 * 60, cap=local_time("2025-10-25", "08:00"))
        badge.revoked_at = reissued
        badge.revoked_reason = REVOKE_REASONS[2]
        again = BadgePlan(version=2, issued_at=reissued, reprint_reason="Badge reported lost")
        again.printed_at = reissued + dt.timedelta(minutes=5)
        again.collected_at = reissued + dt.timedelta(minutes=rng.randint(20, 90))
        return [badge, again]
    return [badge]


def _timestamps(rng, member):
    """Rows' created and updated times: entered before the first submissions, then each step."""
    created = _between(rng, local_time("2025-09-13", "09:00"), local_time("2025-09-15", "08:00"))
    member.fields["created_at"] = member.fields["updated_at"] = created
    acc = member.accreditation
    steps = [acc.get(name) for name in ("submitted_at", "reviewed_at", "vetted_at")]
    for badge in member.badges:
        steps += [badge.issued_at, badge.printed_at, badge.collected_at, badge.revoked_at]
    acc["created_at"] = created
    acc["updated_at"] = max([created, *(step for step in steps if step)])


def _members(rng, delegation, count, used_passports):
    head_rank = _head_rank(rng, delegation)
    roles = _roles(rng, delegation, count, head_rank)
    head = None
    for index, role in enumerate(roles):
        if role == R.HEAD:
            rank = head_rank
        elif role == R.DEPUTY and rng.random() < 0.25:
            rank = PR.VICE_MINISTER
        else:
            rank = PR.OTHER
        fields = _person(rng, delegation, role, rank, index, used_passports, head=head)
        member = MemberPlan(fields=fields, status=S.DRAFT)
        if role == R.HEAD:
            head = member
            if rank <= PR.HEAD_OF_GOVERNMENT and rng.random() < 0.5:
                fields["photo"] = ""  # exempt from the photo requirement
        member.status = _status(rng, delegation, member)
        _workflow(rng, delegation, member)
        _timestamps(rng, member)
        delegation.members.append(member)
    quota_margin = 20 if delegation.kind == K.HOST_COUNTRY else rng.randint(0, 4)
    delegation.fields["badge_quota"] = max(len(delegation.members) + quota_margin, 4)


def _member_count(rng, delegation):
    if delegation.kind == K.HOST_COUNTRY:
        return HOST_MEMBERS
    low, high = MEMBERS_BY_KIND[delegation.kind]
    return rng.randint(low, high)


def _populate(delegation, count, used_passports):
    rng = _rng("members", delegation.code)
    if delegation.status == DS.INVITED:
        delegation.fields["badge_quota"] = 12
        return
    _members(rng, delegation, count, used_passports)
    submitted = [
        m.accreditation["submitted_at"] for m in delegation.members if "submitted_at" in m.accreditation
    ]
    if submitted:
        sent = min(submitted) - dt.timedelta(hours=rng.randint(2, 72))
        state = delegation.kind in STATE_KINDS
        delegation.nomination = {
            "kind": "note_verbale" if state else "letter_of_nomination",
            "reference": f"{'NV' if state else 'LN'}/{delegation.code.upper()}/{rng.randint(100, 999)}/2025",
            "date": sent.date(),
            "uploaded_at": sent,
        }


# --- Scaled copies ---------------------------------------------------------------------
def _copies(base_delegations, scale, used_passports):
    copies = []
    for copy in range(2, scale + 1):
        for index, base in enumerate(base_delegations):
            fields, domain = _copy_delegation(base, copy, index)
            rng = _rng("delegation", fields["code"])
            delegation = _new_delegation(fields, domain, base.region, rng)
            # The base's status and size: N times the event's people in all.
            delegation.fields["status"] = base.status
            _populate(delegation, len(base.members), used_passports)
            copies.append(delegation)
    return copies


# --- Badge numbers, scans --------------------------------------------------------------
def _number_badges(delegations):
    number = FIRST_BADGE_NUMBER
    for delegation in delegations:
        for member in delegation.members:
            for badge in member.badges:
                if badge.version == 1:
                    badge.number = number
                    number += 1
                else:
                    badge.number = member.badges[0].number


def _scan(member, badge, zone, direction, at, reason="ok", sequence=0):
    return {
        "member": member,
        "badge": badge,
        "zone": zone,
        "direction": direction,
        "result": "granted" if reason == "ok" else "denied",
        "reason": reason,
        "scanned_at": at,
        "device": f"gate-{zone.lower()}-{1 + badge.number % 3}",
        "nonce": f"demo-{badge.number}-{badge.version}-{sequence}",
    }


def _plan_scans(delegation):
    """Gate scans on the morning of day 1, up to SNAPSHOT."""
    rng = _rng("scans", delegation.code)
    opening = local_time(reference.DAY_1, "07:30")
    for member in delegation.members:
        if not member.badges:
            continue
        badge = member.badges[-1]
        scans = delegation.scans
        if member.status == S.COLLECTED and rng.random() < 0.45:
            entered = _between(rng, max(opening, badge.collected_at), local_time(reference.DAY_1, "09:30"))
            scans.append(_scan(member, badge, "LBY", "in", entered, sequence=1))
            if rng.random() < 0.55:
                hall = entered + dt.timedelta(minutes=rng.randint(5, 40))
                reason = "ok" if member.category not in ("SUP",) else "wrong_zone"
                scans.append(_scan(member, badge, "PLN", "in", hall, reason, sequence=2))
                if reason == "ok" and rng.random() < 0.25:
                    left = min(hall + dt.timedelta(minutes=rng.randint(50, 90)), SNAPSHOT)
                    scans.append(_scan(member, badge, "PLN", "out", left, sequence=3))
            if member.category in ("DEL", "OBS", "NGO", "MED", "IGO") and rng.random() < 0.05:
                stage = entered + dt.timedelta(minutes=rng.randint(30, 80))
                scans.append(_scan(member, badge, "SIG", "in", stage, "wrong_zone", sequence=4))
        if len(member.badges) == 2 and rng.random() < 0.5:
            lost = member.badges[0]
            at = _between(rng, max(opening, lost.revoked_at + dt.timedelta(minutes=10)), SNAPSHOT)
            scans.append(_scan(member, lost, "LBY", "in", at, "revoked", sequence=5))
        if member.status == S.REVOKED and rng.random() < 0.25:
            at = _between(rng, max(opening, badge.revoked_at + dt.timedelta(minutes=10)), SNAPSHOT)
            scans.append(_scan(member, badge, "LBY", "in", at, "revoked", sequence=6))
        if member.status == S.PRINTED and rng.random() < 0.04:
            at = _between(rng, opening, SNAPSHOT)
            scans.append(_scan(member, badge, "LBY", "in", at, "not_collected", sequence=7))


# --- Programme: bookings, speakers, gala, signatures -----------------------------------
def _can_attend(member):
    return member.status in ACTIVE


def _bookable_sessions():
    sessions = []
    for row in reference.all_sessions():
        if row.get("booking") != "open":
            continue
        start, end = local_time(row["day"], row["start"]), local_time(row["day"], row["end"])
        sessions.append((row["slug"], start, end, row.get("capacity") or 100, row.get("cap") or 2))
    return sessions


#: Share of delegations that book each kind of session (the first side event fills up).
BOOKING_SHARE = {"hld": 0.25, "rt": 0.15, "side": 0.06}
FULL_SIDE_EVENT = "d2-side-01"
#: The longest waiting list the demo builds for a full session.
WAITLIST = 8


def _plan_bookings(plan):
    busy = {}  # member plan -> [(start, end)]
    bookers = [
        d
        for d in plan.delegations
        if d.status in (DS.CONFIRMED, DS.REGISTERED) and d.kind not in (K.MEDIA, K.PRIVATE_SECTOR)
    ]
    for slug, start, end, capacity, cap in _bookable_sessions():
        rng = _rng("bookings", slug)
        share = 1.0 if slug == FULL_SIDE_EVENT else BOOKING_SHARE[slug.split("-")[1]]
        confirmed = waiting = 0
        when = local_time("2025-10-01", "09:00")
        for delegation in bookers:
            if waiting >= WAITLIST:
                break
            if rng.random() >= share:
                continue
            people = [
                m
                for m in delegation.members
                if _can_attend(m) and m.role in (R.HEAD, R.DEPUTY, R.DELEGATE, R.ADVISER)
            ]
            wanted = rng.randint(1, cap)
            for member in people[: wanted + 2]:
                if wanted == 0:
                    break
                if any(s < end and start < e for s, e in busy.get(member, [])):
                    continue
                wanted -= 1
                when += dt.timedelta(minutes=rng.randint(3, 240))
                if confirmed < capacity:
                    status = "cancelled" if slug != FULL_SIDE_EVENT and rng.random() < 0.04 else "confirmed"
                    confirmed += status == "confirmed"
                else:
                    status = "waitlisted"
                    waiting += 1
                if status != "cancelled":
                    busy.setdefault(member, []).append((start, end))
                plan.bookings.append((slug, delegation.code, member, status, when))


def _plan_speakers(plan):
    rng = _rng("speakers")
    for delegation in plan.delegations:
        head = delegation.head
        if head is None or not _can_attend(head) or delegation.status != DS.CONFIRMED:
            continue
        if delegation.kind in SIGNATORY_KINDS or delegation.kind == K.OBSERVER_STATE:
            slug = "d1-plenary" if rng.random() < 0.75 else "d2-plenary"
        elif delegation.kind in (K.IGO, K.UN_ENTITY) and rng.random() < 0.25:
            slug = "d2-plenary"
        else:
            continue
        status = "withdrawn" if rng.random() < 0.04 else "requested"
        when = _between(rng, local_time("2025-10-01", "08:00"), local_time("2025-10-24", "18:00"))
        plan.speaker_requests.append((slug, delegation.code, head, status, when))


def _plan_gala(plan):
    rng = _rng("gala")
    for delegation in plan.delegations:
        head = delegation.head
        invited_kinds = {*SIGNATORY_KINDS, K.OBSERVER_STATE, K.IGO, K.UN_ENTITY}
        if head is None or delegation.kind not in invited_kinds or not _can_attend(head):
            continue
        spouse = next((m for m in delegation.members if m.role == R.SPOUSE), None)
        status = _weighted(rng, {"accepted": 65, "declined": 10, "invited": 25})
        guest_allowed = spouse is not None or head.rank <= PR.DEPUTY_PRIME_MINISTER
        fields = {
            "guest_allowed": guest_allowed,
            "guest_name": spouse.display_name if spouse and status == "accepted" else "",
            "status": status,
            "dietary_needs": head.fields["dietary_needs"],
            "responded_at": None
            if status == "invited"
            else _between(rng, local_time("2025-10-10", "08:00"), local_time("2025-10-24", "18:00")),
        }
        plan.gala.append((delegation.code, head, fields))


def _basis(head):
    if head.rank == PR.HEAD_OF_STATE:
        return SigningBasis.HEAD_OF_STATE
    if head.rank == PR.HEAD_OF_GOVERNMENT:
        return SigningBasis.HEAD_OF_GOVERNMENT
    if "Minister for Foreign Affairs" in head.fields["function"]:
        return SigningBasis.FOREIGN_MINISTER
    return SigningBasis.FULL_POWERS


#: Share of eligible States that sign in Hanoi (about 75 signatures with the EU).
SIGNING_SHARE = 0.78


def _plan_signatures(plan):
    rng = _rng("signatures")
    signing = []
    for delegation in plan.delegations:
        head = delegation.head
        if delegation.kind not in SIGNATORY_KINDS or head is None or not _can_attend(head):
            continue
        if delegation.status not in (DS.CONFIRMED, DS.REGISTERED):
            continue
        always = delegation.kind in (K.HOST_COUNTRY, K.REIO)
        if not always and rng.random() >= SIGNING_SHARE:
            continue
        basis = _basis(head)
        powers = "not_required"
        if basis == SigningBasis.FULL_POWERS:
            powers = _weighted(rng, {"verified": 60, "received": 20, "awaited": 15, "refused": 5})
        delegation.signature = {
            "signatory": head,
            "basis": basis,
            "full_powers_status": powers,
            "confirmed_at": _between(
                rng, local_time("2025-10-05", "08:00"), local_time("2025-10-22", "18:00")
            ),
            "full_powers_note": "The instrument is not signed by the Head of State, Head of Government "
            "or Minister for Foreign Affairs."
            if powers == "refused"
            else "",
        }
        signing.append(delegation)
    _plan_slots(signing)


def _plan_slots(signing):
    """Host first, then by level of representation; nobody without verified powers."""
    ready = [
        d
        for d in signing
        if d.signature["basis"] != SigningBasis.FULL_POWERS or d.signature["full_powers_status"] == "verified"
    ]
    ready.sort(key=lambda d: (d.kind != K.HOST_COUNTRY, d.head.rank, d.fields["name"]))
    day_one = local_time(reference.DAY_1, "10:05")
    day_two = local_time(reference.DAY_2, "09:15")
    for order, delegation in enumerate(ready, start=1):
        if order <= 64:
            starts = day_one + dt.timedelta(seconds=105 * (order - 1))
        else:
            starts = day_two + dt.timedelta(seconds=120 * (order - 65))
        delegation.signature["slot_order"] = order
        delegation.signature["slot_starts_at"] = starts
        delegation.signature["signed_at"] = starts + dt.timedelta(seconds=90) if starts < SNAPSHOT else None


# --- Entry point -----------------------------------------------------------------------
def _base_delegations():
    delegations = []
    host_alpha2, host_region = participants.HOST
    entries = [(host_alpha2, host_region, K.HOST_COUNTRY)]
    entries += [(a2, region, K.MEMBER_STATE) for a2, region in participants.MEMBER_STATES]
    entries += [(a2, region, K.OBSERVER_STATE) for a2, region in participants.OBSERVER_STATES]
    for alpha2, region, kind in entries:
        fields, domain = _state_delegation(alpha2, region, kind)
        delegations.append(_new_delegation(fields, domain, region, _rng("delegation", fields["code"])))
    for acronym, name, kind, region in participants.ORGANISATIONS:
        fields, domain = _organisation_delegation(acronym, name, kind)
        delegations.append(_new_delegation(fields, domain, region, _rng("delegation", fields["code"])))
    return delegations


def plan_demo(*, scale=1):
    """The whole demo for `scale` (1: the real event's size), deterministically."""
    used_passports = set()
    delegations = _base_delegations()
    for delegation in delegations:
        _populate(delegation, _member_count(_rng("size", delegation.code), delegation), used_passports)
    delegations += _copies(delegations, scale, used_passports)
    codes = [d.code for d in delegations]
    if len(set(codes)) != len(codes):
        raise ValueError("demo delegation codes are not unique")
    _number_badges(delegations)
    plan = DemoPlan(delegations=delegations)
    for delegation in delegations:
        _plan_scans(delegation)
    _plan_bookings(plan)
    _plan_speakers(plan)
    _plan_gala(plan)
    _plan_signatures(plan)
    return plan
