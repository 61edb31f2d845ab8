"""Isolation sweep: a focal point never sees or changes another delegation's objects.

Generated over the URL configuration: every route under /portal/ or /api/ that takes an
object id is requested, as the focal point of delegation A, with the ids of delegation B's
objects. A route added later is swept without anyone remembering to; a route whose id
kwarg is not known here FAILS, asking its author to map it below.
"""

import itertools
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver

from accreditation.models import Accreditation, Badge
from delegations.models import Delegation, Document, FocalPoint, Invitation, Member, MemberRole
from sessions.models import Booking, GalaInvitation, SessionKind, Signature, SpeakerRequest
from tests import factories

pytestmark = pytest.mark.django_db

PREFIXES = ("portal/", "api/")

#: Every delegation-owned model a route may take an id of.
SCOPED_MODELS = [
    Delegation, Member, Document, Booking, SpeakerRequest, GalaInvitation, Signature, Accreditation, Badge,
    Invitation, FocalPoint,
]  # fmt: skip
#: URL kwarg -> the models it may name. "pk"/"id" may name any of them: all are tried.
KWARG_MODELS = {
    "pk": SCOPED_MODELS,
    "id": SCOPED_MODELS,
    "delegation_id": [Delegation],
    "delegation_pk": [Delegation],
    "member_id": [Member],
    "member_pk": [Member],
    "document_id": [Document],
    "document_pk": [Document],
    "booking_id": [Booking],
    "booking_pk": [Booking],
    "speaker_request_id": [SpeakerRequest],
    "gala_invitation_id": [GalaInvitation],
    "signature_id": [Signature],
    "accreditation_id": [Accreditation],
    "accreditation_pk": [Accreditation],
    "badge_id": [Badge],
    "invitation_id": [Invitation, GalaInvitation],
}
#: Kwargs that are not a delegation's object: public objects, or capabilities (a secret token
#: is its own authorisation: invitation links, calendar feeds, password resets).
NOT_SCOPED = {
    "token": "a secret token",
    "uidb64": "password reset",
    "uid": "a public session",
    "slug": "a public session",
    "session_id": "a public session",
    "session_pk": "a public session",
    "format": "DRF format suffix",
    "fmt": "a file format",
}
#: B's objects get ids far from A's, and distinct per model, so an id of B's can never
#: happen to name an object A may see.
B_IDS = {model: 900_000 + 1_000 * index for index, model in enumerate(SCOPED_MODELS)}

_ROUTE_KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_KWARG = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _routes(patterns=None, prefix=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern) and text.startswith(PREFIXES):
            names = [m["name"] for m in _ROUTE_KWARG.finditer(text)] + [
                m["name"] for m in _REGEX_KWARG.finditer(text)
            ]
            if names:
                yield text, names


def _build(route, values):
    route = _ROUTE_KWARG.sub(lambda m: str(values[m["name"]]), route)
    route = _REGEX_KWARG.sub(lambda m: str(values[m["name"]]), route)
    return "/" + route.replace("\\", "")


def _world():
    """Two State delegations with one object of every kind each; a public session."""
    roundtable = factories.SessionFactory(kind=SessionKind.ROUNDTABLE)
    plenary = factories.SessionFactory(kind=SessionKind.PLENARY)
    gala = factories.SessionFactory(kind=SessionKind.GALA_DINNER)
    public = {"token": "x" * 43, "uidb64": "MQ", "uid": roundtable.uid, "slug": roundtable.slug,
              "session_id": roundtable.pk, "session_pk": roundtable.pk, "format": "json", "fmt": "csv"}  # fmt: skip

    def delegation_objects(country, ids):
        def pk(model):
            return {"pk": ids[model]} if ids else {}

        delegation = factories.StateDelegationFactory(
            country=country, name=f"Secret State {country}", **pk(Delegation)
        )
        focal = factories.FocalPointFactory(delegation=delegation, **pk(FocalPoint))
        member = factories.MemberFactory(
            delegation=delegation, family_name=f"Secretfamily{country}", passport_number=f"SECRET{country}1",
            **pk(Member),
        )  # fmt: skip
        head = factories.MemberFactory(
            delegation=delegation, role=MemberRole.HEAD, passport_number=f"SECRET{country}2",
            **({"pk": ids[Member] + 1} if ids else {}),
        )  # fmt: skip
        accreditation = factories.AccreditationFactory(member=head, **pk(Accreditation))
        objects = {
            Delegation: delegation,
            Member: member,
            FocalPoint: focal,
            Document: factories.DocumentFactory(delegation=delegation, **pk(Document)),
            Booking: factories.BookingFactory(member=member, session=roundtable, **pk(Booking)),
            SpeakerRequest: factories.SpeakerRequestFactory(
                speaker=head, delegation=delegation, session=plenary, **pk(SpeakerRequest)
            ),
            GalaInvitation: factories.GalaInvitationFactory(member=head, session=gala, **pk(GalaInvitation)),
            Signature: factories.SignatureFactory(delegation=delegation, signatory=head, **pk(Signature)),
            Accreditation: accreditation,
            Badge: factories.BadgeFactory(accreditation=accreditation, **pk(Badge)),
            Invitation: Invitation.objects.create(
                delegation=delegation,
                email=f"dao@{country}.example",
                token_digest=f"{country}" * 32,
                expires_at=factories.hanoi_time(5, 9),
                **pk(Invitation),
            ),  # fmt: skip
        }
        return focal.user, objects

    user_a, objects_a = delegation_objects("FR", None)
    _, objects_b = delegation_objects("JP", B_IDS)
    return user_a, objects_a, objects_b, public


def _snapshot(objects):
    return {
        model: model_to_dict(model.objects.get(pk=obj.pk))
        if model.objects.filter(pk=obj.pk).exists()
        else None
        for model, obj in objects.items()
    }


def _assignments(names, objects, public):
    """Every way of filling the route's kwargs with B's objects (or A's, given A's objects)."""
    choices = []
    for name in names:
        if name in NOT_SCOPED:
            choices.append([(name, public[name], None)])
        else:
            choices.append([(name, objects[model].pk, model) for model in KWARG_MODELS[name]])
    for combo in itertools.product(*choices):
        if any(model is not None for _, _, model in combo):
            yield {name: value for name, value, _ in combo}, tuple(model for _, _, model in combo)


def _leaks(response, objects):
    if getattr(response, "streaming", False):
        return response.status_code == 200
    body = response.content.decode(errors="replace")
    return any(marker in body for marker in ("SecretfamilyJP", "SECRETJP", "Secret State JP"))


def test_unknown_id_kwargs_fail_with_a_clear_message():
    unknown = sorted(
        {
            f"{route} ({name})"
            for route, names in _routes()
            for name in names
            if name not in KWARG_MODELS and name not in NOT_SCOPED
        }
    )
    assert not unknown, (
        "These routes take a kwarg the isolation sweep does not know. Map it in "
        f"tests/test_isolation.py (KWARG_MODELS for a delegation's object, NOT_SCOPED otherwise): {unknown}"
    )


def test_focal_point_of_a_cannot_reach_objects_of_b(client):
    user_a, objects_a, objects_b, public = _world()
    client.force_login(user_a)
    before = _snapshot(objects_b)
    swept, problems = set(), []
    for route, names in _routes():
        if not all(name in KWARG_MODELS or name in NOT_SCOPED for name in names):
            continue  # reported by test_unknown_id_kwargs_fail_with_a_clear_message
        for values, models in _assignments(names, objects_b, public):
            url = _build(route, values)
            swept.add(route)
            response = client.get(url)
            if _leaks(response, objects_b):
                problems.append(f"GET {url} ({models}) shows B's data")
            if response.status_code != 404:
                # A route closed to focal points altogether (staff only) may say so instead.
                own_values = dict(values)
                for name, model in zip(names, models, strict=True):
                    if model is not None:
                        own_values[name] = objects_a[model].pk
                own = client.get(_build(route, own_values))
                closed = (
                    response.status_code in (302, 401, 403, 405) and own.status_code == response.status_code
                )
                if not closed:
                    problems.append(f"GET {url} ({models}) answered {response.status_code}, expected 404")
            methods = ["post", "delete"] if route.startswith("api/") else ["post"]
            for method in methods:
                response = getattr(client, method)(url, {})
                allowed = response.status_code in (401, 403, 404, 405) or (
                    response.status_code == 302 and "login" in response["Location"]
                )
                if not allowed or _leaks(response, objects_b):
                    problems.append(f"{method.upper()} {url} ({models}) answered {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _snapshot(objects_b) == before, "a request of A's focal point changed B's objects"
    # The sweep really ran over the portal's own routes.
    assert {"portal/members/<int:pk>/", "portal/members/<int:pk>/photo/", "portal/documents/<int:pk>/",
            "api/delegation/members/<int:pk>/", "api/delegation/members/<int:pk>/photo/"} <= swept  # fmt: skip
