"""Which badge category and zones an officer is offered for a member, by rule.

The rule reads the delegation's kind and the member's protocol rank and role and names a
category code (the codes `seed_summit` loads). The zones are the category's default zones, which
the secretariat keeps as data; `seed_summit` loads CATEGORY_ZONES as those defaults, and they
stand in for a category that has none. A code missing from the database is simply not offered.
"""

from dataclasses import dataclass

from delegations.models import SIGNATORY_KINDS, ProtocolRank
from delegations.models import DelegationKind as K
from delegations.models import MemberRole as R

# Category codes.
VIP, HOD, DEL, OBS, IGO, UN, NGO, GST, MED, SEC, STF, SUP = (
    "VIP", "HOD", "DEL", "OBS", "IGO", "UN", "NGO", "GST", "MED", "SEC", "STF", "SUP",
)  # fmt: skip
# Zone codes: lobby, plenary hall, signing stage, bilateral rooms, VIP lounge, meeting rooms,
# press centre, exhibition, banquet hall, back office.
LBY, PLN, SIG, BIL, VLG, MTG, PRS, EXH, BNQ, BOF = (
    "LBY", "PLN", "SIG", "BIL", "VIP", "MTG", "PRS", "EXH", "BNQ", "BOF",
)  # fmt: skip
ALL_ZONES = (LBY, PLN, SIG, BIL, VLG, MTG, PRS, EXH, BNQ, BOF)

#: Each category's default zones: `seed_summit` loads them; they also stand in for a category
#: the database gives no default zones.
CATEGORY_ZONES = {
    VIP: ALL_ZONES,
    HOD: (LBY, PLN, SIG, BIL, VLG, MTG, EXH, BNQ),
    DEL: (LBY, PLN, BIL, MTG, EXH),
    OBS: (LBY, PLN, MTG, EXH),
    UN: (LBY, PLN, SIG, BIL, MTG, EXH),
    IGO: (LBY, PLN, BIL, MTG, EXH),
    NGO: (LBY, PLN, MTG, EXH),
    GST: (LBY, PLN, MTG, EXH),
    MED: (LBY, PRS, EXH, PLN),
    SEC: ALL_ZONES,
    STF: ALL_ZONES,
    SUP: (LBY, BOF),
}

_BY_KIND = {
    K.OBSERVER_STATE: OBS,
    K.IGO: IGO,
    K.UN_ENTITY: UN,
    K.NGO: NGO,
    K.PRIVATE_SECTOR: NGO,
    K.ACADEMIA: NGO,
    K.MEDIA: MED,
}


@dataclass(frozen=True)
class Suggestion:
    category_code: str
    zone_codes: tuple


def suggest_category_code(*, kind, rank, role):
    """The category code for a member of a delegation of `kind` with `rank` and `role`."""
    if role == R.DRIVER:
        return SUP
    if role == R.SECURITY:
        return SEC
    if role == R.SPOUSE:
        return GST
    if role == R.PRESS_ATTACHE or kind == K.MEDIA:
        return MED
    # Signatory delegations' heads and delegates are State delegates.
    if kind in SIGNATORY_KINDS:
        if rank <= ProtocolRank.CROWN_PRINCE:
            return VIP
        if role == R.HEAD:
            return HOD
        return DEL
    return _BY_KIND.get(kind, DEL)


def suggest(*, member):
    """Category and zones for `member` (its delegation is read: select it with the member)."""
    code = suggest_category_code(kind=member.delegation.kind, rank=member.protocol_rank, role=member.role)
    return Suggestion(category_code=code, zone_codes=CATEGORY_ZONES[code])
