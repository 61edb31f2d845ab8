"""Passport data, dates of birth and vetting notes encrypted at rest (hanoi_summit/core/crypto.py):
what reaches the disk, who still reads it, the keyed hash's unique rule, key rotation."""

import datetime as dt
import os
import sqlite3
import subprocess

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accreditation.models import Accreditation
from delegations.errors import DelegationError
from delegations.models import Member, passport_hash_of
from delegations.services.members import member_create
from hanoi_summit.core import crypto
from tests import factories
from tests.conftest import require
from tests.hanoi_summit.secretariat.exports.downloads import body

PASSPORTS = ["VN7712345", "FR0099887", "C01X00T47"]
NOTE = "Interpol notice 2024-117"


def raw_row(model, pk, *columns):
    """The columns as stored, read past the model fields."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@pytest.fixture
def keys(settings):
    """Two keys of our own: the test sets FIELD_ENCRYPTION_KEYS as production does."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    settings.FIELD_HASH_KEY = "a hash key for the tests"
    return old, new


@pytest.mark.django_db
def test_the_fields_read_back_as_python_values_and_are_stored_encrypted():
    member = factories.MemberFactory(
        passport_number="VN7712345", date_of_birth=dt.date(1971, 3, 9), passport_expiry=dt.date(2031, 1, 2)
    )
    member.refresh_from_db()
    assert member.passport_number == "VN7712345"
    assert member.date_of_birth == dt.date(1971, 3, 9)
    assert member.passport_expiry == dt.date(2031, 1, 2)
    stored = raw_row(
        Member, member.pk, "passport_number", "date_of_birth", "passport_expiry", "passport_hash"
    )
    assert all(value.startswith(crypto.FERNET_PREFIX) for value in stored[:3])
    assert "VN7712345" not in repr(stored) and "1971" not in repr(stored)
    assert stored[3] == passport_hash_of("vn 771 2345") != ""


@pytest.mark.django_db
def test_empty_values_stay_empty_and_filterable():
    member = factories.MemberFactory(passport_number="", date_of_birth=None, passport_expiry=None)
    assert raw_row(Member, member.pk, "passport_number", "date_of_birth", "passport_hash") == ("", None, "")
    assert Member.objects.filter(passport_number="", date_of_birth__isnull=True).get() == member


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lookup",
    [
        {"passport_number": "VN7712345"},
        {"passport_number__iexact": "VN7712345"},
        {"passport_number__startswith": "VN"},
        {"date_of_birth__year": 1971},
        {"passport_expiry__lt": dt.date(2031, 1, 1)},
    ],
)
def test_a_lookup_on_a_ciphertext_is_refused(lookup):
    # It could never match: the code must compare the keyed hash.
    with pytest.raises(FieldError):
        list(Member.objects.filter(**lookup))


@pytest.mark.django_db
def test_the_unique_passport_rule_holds_through_the_hash(focal_user_and_delegation):
    user, delegation = focal_user_and_delegation
    factories.MemberFactory(passport_number="VN7712345")
    data = {"family_name": "Tran", "passport_number": "vn 771 2345", "date_of_birth": dt.date(1970, 1, 1)}
    with pytest.raises(DelegationError) as refused:
        member_create(delegation=delegation, actor=user, data=data)
    assert refused.value.code == "duplicate_passport"
    # And in the database itself, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.MemberFactory(passport_number="VN7712345")


@pytest.fixture
def focal_user_and_delegation(db):
    delegation = factories.DelegationFactory()
    return factories.UserFactory(), delegation


@pytest.mark.django_db
def test_vetting_notes_are_encrypted():
    acc = factories.AccreditationFactory(vetting_note=NOTE)
    (stored,) = raw_row(Accreditation, acc.pk, "vetting_note")
    assert stored.startswith(crypto.FERNET_PREFIX) and "Interpol" not in stored
    acc.refresh_from_db()
    assert acc.vetting_note == NOTE


def _seed():
    for number in PASSPORTS:
        member = factories.MemberFactory(passport_number=number, date_of_birth=dt.date(1971, 3, 9))
        factories.AccreditationFactory(member=member, vetting_note=f"{NOTE} {number}")


def _dump_sqlite(tmp_path):
    """The test database (in memory) written to a file, page for page, as SQLite keeps it."""
    path = tmp_path / "dump.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return path.read_bytes()


def _dump_postgresql():
    require(os.path.exists("/usr/bin/pg_dump") or bool(os.environ.get("PG_DUMP")), "needs pg_dump")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = [os.environ.get("PG_DUMP", "pg_dump"), "--no-owner", "-h", db["HOST"] or "127.0.0.1"]
    command += ["-p", str(db["PORT"] or 5432), "-U", db["USER"] or "postgres", db["NAME"]]
    return subprocess.run(command, env=env, capture_output=True, check=True, timeout=120).stdout


@pytest.mark.django_db(transaction=True)
def test_no_passport_number_date_of_birth_or_note_in_a_dump_of_the_database(tmp_path, settings):
    # Committed (a dump sees only that): the demo `make run` seeds, and a few of our own.
    settings.DEMO_PASSWORD = "Hanoi-demo-2025!"
    call_command("seed_summit", "--demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    _seed()
    dump = _dump_postgresql() if connection.vendor == "postgresql" else _dump_sqlite(tmp_path)
    # The dump is the real one: the names are there in clear.
    assert Member.objects.first().family_name.encode() in dump
    members = list(Member.objects.exclude(passport_number="").values_list("passport_number", "date_of_birth"))
    assert len(members) > 2000
    leaked = [number for number, _born in members if number.encode() in dump]
    assert leaked == []
    # No other column holds a date of the last century.
    assert not [born for _number, born in members if born.isoformat().encode() in dump]
    notes = [n for n in Accreditation.objects.values_list("vetting_note", flat=True) if n]
    assert len(notes) > 3 and not [n for n in notes if n.encode() in dump]
    assert b"Interpol" not in dump
    assert b"1971-03-09" not in dump


@pytest.mark.django_db
def test_those_who_may_see_passports_still_do(client):
    member = factories.MemberFactory(family_name="Nguyen", passport_number="VN7712345")
    client.force_login(factories.StaffUserFactory(role="Secretariat", username="secretariat"))
    export = body(client.get(reverse("dashboard:export", kwargs={"kind": "members", "fmt": "csv"}))).decode()
    assert "VN7712345" in export
    change = client.get(reverse("admin:delegations_member_change", args=[member.pk])).content.decode()
    assert "VN7712345" in change
    client.force_login(factories.StaffUserFactory(role="Protocol officer", username="protocol"))
    masked = body(client.get(reverse("dashboard:export", kwargs={"kind": "members", "fmt": "csv"}))).decode()
    assert "VN7712345" not in masked and "345" in masked


@pytest.mark.django_db
def test_rotation_reencrypts_every_row_and_the_old_key_can_go(keys, settings):
    old, new = keys
    _seed()
    members = list(Member.objects.order_by("pk").values_list("pk", "passport_number", "date_of_birth"))
    hashes = dict(Member.objects.values_list("pk", "passport_hash"))
    before = {pk: raw_row(Member, pk, "passport_number", "date_of_birth") for pk, *_ in members}
    notes_before = {
        a.pk: raw_row(Accreditation, a.pk, "vetting_note")[0] for a in Accreditation.objects.all()
    }

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", "--batch-size", "2", stdout=open(os.devnull, "w"))  # noqa: SIM115

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key removed
    only_new, only_old = Fernet(new.encode()), Fernet(old.encode())
    for pk, number, born in members:
        stored = raw_row(Member, pk, "passport_number", "date_of_birth")
        for was, now in zip(before[pk], stored, strict=True):
            assert was != now
            assert only_new.decrypt(now.encode())
            with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidToken
                only_old.decrypt(now.encode())
        assert Member.objects.get(pk=pk).passport_number == number
        assert Member.objects.get(pk=pk).date_of_birth == born
    assert dict(Member.objects.values_list("pk", "passport_hash")) == hashes  # look-ups survive
    for acc in Accreditation.objects.all():
        (stored,) = raw_row(Accreditation, acc.pk, "vetting_note")
        assert stored != notes_before[acc.pk] and only_new.decrypt(stored.encode())
        assert acc.vetting_note.startswith(NOTE)
    # The badge desk still finds a person by passport number.
    assert Member.objects.filter(passport_hash=passport_hash_of(PASSPORTS[0])).exists()


@pytest.mark.django_db
def test_a_value_no_key_opens_is_a_clear_error(keys, settings):
    member = factories.MemberFactory()
    settings.FIELD_ENCRYPTION_KEYS = [keys[1]]  # the old key dropped before rotating
    with pytest.raises(crypto.FieldKeyError, match="rotate_field_keys"):
        Member.objects.get(pk=member.pk)


@pytest.mark.django_db
def test_a_missing_development_key_is_not_remade_while_data_needs_it(settings, tmp_path):
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY = [], ""
    settings.VAR_DIR = tmp_path
    crypto._cache.clear()
    try:
        member = factories.MemberFactory(passport_number="VN7712345")
        path = crypto.development_key_path(crypto.ENCRYPTION_KEYS_FILE)
        assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
        path.unlink()
        crypto._cache.clear()
        with pytest.raises(crypto.FieldKeyError, match="restore the key file"):
            Member.objects.get(pk=member.pk)
        assert not path.exists()
    finally:
        crypto._cache.clear()


def test_production_refuses_to_start_without_the_field_keys(settings):
    from hanoi_summit.checks import refuse_to_serve_without_keys

    settings.DEBUG = False
    settings.BADGE_SIGNING_KEY = "set"
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY = [], ""
    errors = [m.id for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.ERROR]
    assert "hanoi_summit.E002" in errors
    with pytest.raises(Exception, match="FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY"):
        refuse_to_serve_without_keys()
    settings.DEBUG = True
    errors = [m.id for m in checks.run_checks(include_deployment_checks=True) if m.level >= checks.ERROR]
    assert "hanoi_summit.E002" not in errors


@pytest.mark.django_db
def test_the_admin_form_still_refuses_a_duplicate_passport(client):
    factories.MemberFactory(passport_number="VN7712345")
    member = factories.MemberFactory(passport_number="FR0099887")
    client.force_login(factories.StaffUserFactory(role="Secretariat", username="secretariat"))
    url = reverse("admin:delegations_member_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("photo",)}
    data.update(
        passport_number="vn7712345",
        delegation=member.delegation_id,
        date_of_birth="1980-05-17",
        passport_expiry="2030-01-01",
        arrival_0="",
        arrival_1="",
        departure_0="",
        departure_1="",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    member.refresh_from_db()
    assert member.passport_number == "FR0099887"


@pytest.mark.django_db
def test_an_import_preview_keeps_no_passport_in_the_session_table(client):
    from django.contrib.sessions.models import Session

    from delegations.imports.preview import preview_keep, preview_take

    client.force_login(factories.UserFactory())
    request = type("Request", (), {"session": client.session})()
    token = preview_keep(request, flow="members", scope=1, rows=[{"passport_number": "VN7712345"}])
    request.session.save()
    stored = Session.objects.get(session_key=request.session.session_key)
    assert "VN7712345" not in stored.session_data
    assert "VN7712345" not in str(stored.get_decoded())
    assert preview_take(request, flow="members", scope=1, token=token) == [{"passport_number": "VN7712345"}]
