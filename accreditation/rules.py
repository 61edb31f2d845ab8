"""Which badge category and zones an officer is offered for a member, by rule.

The rule reads the delegation's kind and the member's protocol rank and role. It names
category and zone codes; the secretariat keeps the categories and zones themselves as data
(`seed_summit` loads them), and a code missing from the database is simply not offered.
"""

from dataclasses import dataclass

from delegations.models import DelegationKind as K
from delegations.models import MemberRole as R
from delegations.models import ProtocolRank

# Category codes.
VIP, HOD, DEL, OBS, IGO, UN, NGO, MED, SEC, STF, SUP = (
    "VIP", "HOD", "DEL", "OBS", "IGO", "UN", "NGO", "MED", "SEC", "STF", "SUP",
)  # fmt: skip
# Zone codes: plenary hall, signing stage, bilateral rooms, VIP lounge, press centre,
# exhibition, banquet hall, back office.
PLN, SIG, BIL, VLG, PRS, EXH, BNQ, BOF = "PLN", "SIG", "BIL", "VIP", "PRS", "EXH", "BNQ", "BOF"

#: Zones each category opens when the database gives the category no default zones.
CATEGORY_ZONES = {
    VIP: (PLN, SIG, BIL, VLG, EXH, BNQ),
    HOD: (PLN, SIG, BIL, VLG, EXH, BNQ),
    DEL: (PLN, BIL, EXH),
    OBS: (PLN, EXH),
    IGO: (PLN, BIL, EXH),
    UN: (PLN, SIG, BIL, EXH),
    NGO: (PLN, EXH),
    MED: (PLN, PRS, EXH),
    SEC: (PLN, SIG, BIL, VLG, EXH, BNQ),
    STF: (PLN, BIL, EXH, BOF),
    SUP: (BOF,),
}

#: Delegations whose heads and delegates are State delegates (they may sign).
_STATE_LIKE = {K.HOST_COUNTRY, K.MEMBER_STATE, K.REIO}
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
    if role == R.PRESS_ATTACHE or kind == K.MEDIA:
        return MED
    if kind in _STATE_LIKE:
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
