import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from delegations.models import DelegationKind, ProtocolRank
from hanoi_summit.core.models import OutgoingEmail
from sessions.errors import ProgrammeError
from sessions.models import FullPowersStatus, Signature, SigningBasis
from sessions.services import (
    full_powers_refuse,
    full_powers_upload,
    full_powers_verify,
    signature_declare,
    signature_record,
    signing_order_generate,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _declare(delegation, rank, basis, *, at):
    member = factories.MemberFactory(delegation=delegation, protocol_rank=rank)
    return signature_declare(delegation=delegation, signatory=member, basis=basis, actor=None, now=at)


def _pdf(name="powers.pdf"):
    return SimpleUploadedFile(name, factories.pdf_bytes("Full powers"), content_type="application/pdf")


def test_full_powers_needed_only_outside_the_three_offices():
    delegation = factories.StateDelegationFactory()
    minister = _declare(
        delegation, ProtocolRank.MINISTER, SigningBasis.FOREIGN_MINISTER, at=factories.hanoi_time(-5, 9)
    )
    assert minister.full_powers_status == FullPowersStatus.NOT_REQUIRED
    envoy = _declare(
        delegation, ProtocolRank.HEAD_OF_DELEGATION, SigningBasis.FULL_POWERS, at=factories.hanoi_time(-4, 9)
    )
    assert envoy.full_powers_status == FullPowersStatus.AWAITED
    assert Signature.objects.count() == 1


def test_signatory_from_another_delegation_is_refused():
    delegation = factories.StateDelegationFactory()
    with pytest.raises(ProgrammeError) as error:
        signature_declare(
            delegation=delegation,
            signatory=factories.MemberFactory(),
            basis=SigningBasis.HEAD_OF_STATE,
            actor=None,
        )
    assert error.value.code == "signatory_not_in_delegation"
    assert not Signature.objects.exists()


def test_organisations_other_than_reio_cannot_sign():
    ngo = factories.DelegationFactory()
    with pytest.raises(ProgrammeError) as error:
        _declare(ngo, ProtocolRank.OTHER, SigningBasis.FULL_POWERS, at=None)
    assert error.value.code == "not_a_signatory_kind"


def test_full_powers_must_be_a_real_pdf():
    delegation = factories.StateDelegationFactory()
    signature = _declare(delegation, ProtocolRank.HEAD_OF_DELEGATION, SigningBasis.FULL_POWERS, at=None)
    for content in (factories.jpeg_bytes(), b"%PDF-1.4\nthis is not really a pdf"):
        with pytest.raises(ProgrammeError) as error:
            full_powers_upload(
                signature=signature,
                delegation=delegation,
                upload=SimpleUploadedFile("x.pdf", content),
                actor=None,
            )
        assert error.value.code == "not_pdf"
    signature.refresh_from_db()
    assert signature.full_powers_status == FullPowersStatus.AWAITED and signature.full_powers is None


def test_verify_and_refuse_email_the_focal_points():
    focal = factories.FocalPointFactory(
        delegation=factories.StateDelegationFactory(), user__email="dao@example.org"
    )
    signature = _declare(focal.delegation, ProtocolRank.HEAD_OF_DELEGATION, SigningBasis.FULL_POWERS, at=None)
    full_powers_upload(signature=signature, delegation=focal.delegation, upload=_pdf(), actor=focal.user)
    with pytest.raises(ProgrammeError):
        full_powers_refuse(signature=signature, reason="  ", actor=None)
    refused = full_powers_refuse(signature=signature, reason="Not signed by the Minister", actor=None)
    assert refused.full_powers_status == FullPowersStatus.REFUSED
    email = OutgoingEmail.objects.get(to="dao@example.org")
    assert "Not signed by the Minister" in email.body_text
    with pytest.raises(ProgrammeError) as error:
        full_powers_verify(signature=signature, actor=None)
    assert error.value.code == "nothing_to_verify"
    full_powers_upload(signature=signature, delegation=focal.delegation, upload=_pdf(), actor=focal.user)
    assert full_powers_verify(signature=signature, actor=None).full_powers_status == FullPowersStatus.VERIFIED
    assert OutgoingEmail.objects.filter(to="dao@example.org").count() == 2


def test_signing_order_host_first_then_level_then_confirmation(ceremony, protocol_officer):
    host = factories.StateDelegationFactory(kind=DelegationKind.HOST_COUNTRY, country="VN")
    early_minister = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.MINISTER,
        SigningBasis.FOREIGN_MINISTER,
        at=factories.hanoi_time(-9, 9),
    )
    president = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.HEAD_OF_STATE,
        SigningBasis.HEAD_OF_STATE,
        at=factories.hanoi_time(-2, 9),
    )
    late_minister = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.MINISTER,
        SigningBasis.FOREIGN_MINISTER,
        at=factories.hanoi_time(-1, 9),
    )
    host_signature = _declare(
        host,
        ProtocolRank.DEPUTY_PRIME_MINISTER,
        SigningBasis.FOREIGN_MINISTER,
        at=factories.hanoi_time(-1, 10),
    )
    awaited = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.HEAD_OF_STATE,
        SigningBasis.FULL_POWERS,
        at=factories.hanoi_time(-9, 8),
    )

    ordered = signing_order_generate(ceremony=ceremony, actor=protocol_officer)

    assert [s.pk for s in ordered] == [host_signature.pk, president.pk, early_minister.pk, late_minister.pk]
    slots = dict(Signature.objects.values_list("pk", "slot_starts_at"))
    assert slots[host_signature.pk] == factories.hanoi_time(1, 10)
    assert slots[late_minister.pk] == factories.hanoi_time(1, 10, 9)
    assert slots[awaited.pk] is None  # full powers required and not verified: no slot


def test_slot_length_is_configurable(ceremony, protocol_officer, settings):
    first = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.HEAD_OF_STATE,
        SigningBasis.HEAD_OF_STATE,
        at=factories.hanoi_time(-3, 9),
    )
    second = _declare(
        factories.StateDelegationFactory(),
        ProtocolRank.MINISTER,
        SigningBasis.FOREIGN_MINISTER,
        at=factories.hanoi_time(-3, 9),
    )
    signing_order_generate(ceremony=ceremony, actor=protocol_officer, slot_minutes=5)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.slot_starts_at - first.slot_starts_at == dt.timedelta(minutes=5)
    settings.PROGRAMME_SIGNING_SLOT_MINUTES = 4
    signing_order_generate(ceremony=ceremony, actor=protocol_officer)
    second.refresh_from_db()
    assert second.slot_starts_at == factories.hanoi_time(1, 10, 4)


def test_verified_full_powers_get_a_slot(ceremony, protocol_officer):
    delegation = factories.StateDelegationFactory()
    signature = _declare(delegation, ProtocolRank.HEAD_OF_DELEGATION, SigningBasis.FULL_POWERS, at=None)
    full_powers_upload(signature=signature, delegation=delegation, upload=_pdf(), actor=None)
    full_powers_verify(signature=signature, actor=None)
    assert [s.pk for s in signing_order_generate(ceremony=ceremony, actor=protocol_officer)] == [signature.pk]


def test_the_database_refuses_a_slot_without_verified_powers():
    signature = factories.SignatureFactory(
        basis=SigningBasis.FULL_POWERS, full_powers_status=FullPowersStatus.RECEIVED
    )
    signature.slot_order = 1
    with pytest.raises(IntegrityError):
        signature.save()


def test_record_signature_with_time(ceremony, protocol_officer):
    signature = _declare(
        factories.StateDelegationFactory(), ProtocolRank.HEAD_OF_STATE, SigningBasis.HEAD_OF_STATE, at=None
    )
    with pytest.raises(ProgrammeError) as error:
        signature_record(signature=signature, actor=protocol_officer)
    assert error.value.code == "no_slot"
    signing_order_generate(ceremony=ceremony, actor=protocol_officer)
    recorded = signature_record(
        signature=signature, actor=protocol_officer, now=factories.hanoi_time(1, 10, 2)
    )
    assert recorded.signed_at == factories.hanoi_time(1, 10, 2) and recorded.recorded_by == protocol_officer
    with pytest.raises(ProgrammeError) as error:
        signature_record(signature=signature, actor=protocol_officer)
    assert error.value.code == "already_signed"


def test_changing_the_signatory_resets_powers_and_slot(ceremony, protocol_officer):
    delegation = factories.StateDelegationFactory()
    signature = _declare(delegation, ProtocolRank.HEAD_OF_STATE, SigningBasis.HEAD_OF_STATE, at=None)
    signing_order_generate(ceremony=ceremony, actor=protocol_officer)
    other = factories.MemberFactory(delegation=delegation)
    changed = signature_declare(
        delegation=delegation, signatory=other, basis=SigningBasis.FULL_POWERS, actor=None
    )
    assert changed.pk == signature.pk
    assert (changed.slot_order, changed.full_powers_status) == (None, FullPowersStatus.AWAITED)
