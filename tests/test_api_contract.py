"""The API answers as its OpenAPI schema says: schemathesis generates requests from
/api/schema/ for every operation, valid ones and ones the schema forbids, and checks each
answer, with a focal point's token and with the secretariat's. No server error, every status
documented, every body in its documented shape. On PostgreSQL (as in production); bounded to MAX_EXAMPLES requests per operation and
caller, the same ones on every run (derandomized), so a failure is reproducible."""

import os

import pytest
from django.core.wsgi import get_wsgi_application
from rest_framework.authtoken.models import Token

from accreditation.models import AccreditationStatus
from tests import factories

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

#: Requests per operation and caller; more for a longer search on a developer's machine.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = [pytest.mark.schemathesis, pytest.mark.postgres]


def _seed():
    """A focal point's delegation with members, sessions, bookings, a speaker request and a
    signature; accreditations in the review queue; the secretariat. Ids start at 1 (the
    test resets the sequences), where generated path parameters often land."""
    delegation = factories.StateDelegationFactory(country="FR")
    focal = factories.FocalPointFactory(delegation=delegation, user__username="focal-fra")
    head = factories.MemberFactory(delegation=delegation, role="head", protocol_rank=30)
    members = [head, *factories.MemberFactory.create_batch(3, delegation=delegation)]
    other = factories.MemberFactory()
    category = factories.CategoryFactory(code="DEL", name="Delegate")
    factories.ZoneFactory(code="PLN", capacity=100)
    for member in (*members[1:], other):
        factories.AccreditationFactory(member=member, status=AccreditationStatus.SUBMITTED, category=category)
    session = factories.SessionFactory()
    factories.SessionFactory(kind="plenary")
    factories.BookingFactory(session=session, member=members[1])
    factories.SpeakerRequestFactory(speaker=head)
    factories.SignatureFactory(delegation=delegation, signatory=head)
    secretariat = factories.StaffUserFactory(role="Secretariat", username="secretariat")
    return {
        "focal point": Token.objects.create(user=focal.user).key,
        "secretariat": Token.objects.create(user=secretariat).key,
    }


def _run(operation, token):
    """MAX_EXAMPLES generated requests to one operation; the failures' messages, once each."""
    failures = {}

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(GenerationMode.POSITIVE) | operation.as_strategy(GenerationMode.NEGATIVE)
    )
    def check(case):
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        except (AssertionError, FailureGroup) as failure:
            text = str(failure).strip()
            failures.setdefault(text[:300], f"{operation.label}: {text[:3000]}")

    check()
    return list(failures.values())


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_api_answers_as_its_schema_says(require_postgres, settings):
    settings.EVENT_NOW = "2025-10-25T11:00:00+07:00"
    tokens = _seed()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures = []
    for who, token in tokens.items():
        for operation in operations:
            failures += [f"[{who}] {failure}" for failure in _run(operation, token)]
    assert failures == [], "\n\n".join(failures)
