"""The audit trail's hash chain: linked on every write, checked by `manage.py audit_verify`,
broken by a row changed or removed behind the application's back."""

import threading
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from hanoi_summit.core.audit import audit_record, audit_record_many
from hanoi_summit.core.audit_chain import GENESIS, entry_hash, trail_verify
from hanoi_summit.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

TABLE = "hanoi_summit_auditentry"


@contextmanager
def append_only_trigger_off():
    """What a database superuser can do: on PostgreSQL the append-only trigger refuses the
    raw statements below, so a tamperer would switch triggers off first."""
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            _raw("SET session_replication_role = origin")


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _three_entries():
    member = factories.MemberFactory()
    actor = factories.StaffUserFactory()
    return [
        audit_record(actor=actor, action="member.update", target=member, before={"x": i}, after={"x": i + 1})
        for i in range(3)
    ]


def test_each_entry_carries_the_hash_of_the_one_before():
    first, second, third = _three_entries()

    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    stored = AuditEntry.objects.get(pk=second.pk)
    assert entry_hash(stored, stored.prev_hash) == stored.entry_hash


def test_audit_record_many_chains_its_entries_after_the_head():
    first = _three_entries()[-1]
    members = factories.MemberFactory.create_batch(3)

    audit_record_many([(m, None, {"is_locked": True}) for m in members], actor=None, action="member.lock")

    many = list(AuditEntry.objects.filter(action="member.lock").order_by("pk"))
    assert [e.prev_hash for e in many] == [first.entry_hash, many[0].entry_hash, many[1].entry_hash]
    assert trail_verify().ok


def test_one_audit_write_costs_one_read_of_the_head_and_the_insert(django_assert_num_queries):
    member = factories.MemberFactory()
    _three_entries()

    with transaction.atomic(), django_assert_num_queries(2):
        audit_record(actor=None, action="member.view", target=member)
    with transaction.atomic(), django_assert_num_queries(2):
        audit_record_many([(member, None, None)] * 5, actor=None, action="member.view")


def test_audit_verify_passes_an_intact_trail(capsys):
    entries = _three_entries()

    call_command("audit_verify")

    out = capsys.readouterr().out
    assert "intact: 3 entries" in out and entries[-1].entry_hash in out


def test_audit_verify_passes_an_empty_trail(capsys):
    call_command("audit_verify")

    assert "intact: 0 entries" in capsys.readouterr().out


def test_audit_verify_names_an_entry_changed_with_raw_sql():
    first, second, third = _three_entries()
    with append_only_trigger_off():
        _raw(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["nothing happened", second.pk])

    with pytest.raises(CommandError, match=rf"broken at entry #{second.pk}: its fields were changed"):
        call_command("audit_verify")


def test_audit_verify_names_the_entry_after_a_removed_one():
    first, second, third = _three_entries()
    with append_only_trigger_off():
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [second.pk])

    with pytest.raises(CommandError, match=rf"broken at entry #{third.pk}: the entry before it"):
        call_command("audit_verify")


def test_audit_verify_exits_non_zero_when_broken():
    # As the command line sees it: a CommandError is exit status 1.
    entries = _three_entries()
    with append_only_trigger_off():
        _raw(f"UPDATE {TABLE} SET actor_id = NULL WHERE id = %s", [entries[0].pk])

    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "audit_verify"]).execute()
    assert exited.value.code == 1


def test_an_entry_cannot_be_updated_or_deleted_through_the_model():
    entry = _three_entries()[0]

    entry.note = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).update(note="tampered")
    with pytest.raises(ValueError, match="append-only"):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


def test_an_entry_outside_the_chain_is_refused():
    with pytest.raises(ValueError, match="core.audit"):
        AuditEntry(action="member.view", target_type="delegations.member", target_id="1").save()


def test_an_account_that_acted_cannot_be_deleted():
    from django.db.models import ProtectedError

    entry = _three_entries()[0]

    with pytest.raises(ProtectedError):
        entry.actor.delete()


def test_postgresql_refuses_raw_updates_and_deletes(require_postgres):
    from django.db import InternalError

    entry = _three_entries()[0]

    for sql in (f"UPDATE {TABLE} SET note = 'x' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(InternalError, match="append-only"), transaction.atomic():
            _raw(sql, [entry.pk])
    assert trail_verify().ok


def test_the_migration_chains_existing_entries():
    """Entries written before the chain existed get theirs, in id order."""
    import importlib

    migration = importlib.import_module("hanoi_summit.migrations.0009_audit_hash_chain")
    _three_entries()
    with append_only_trigger_off():
        _raw(f"UPDATE {TABLE} SET prev_hash = '', entry_hash = ''")
        assert not trail_verify().ok
        state = MigrationExecutor(connection).loader.project_state(("hanoi_summit", "0009_audit_hash_chain"))
        migration.chain_existing(state.apps, None)

    assert trail_verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(require_postgres):
    """Writers in parallel transactions queue on the chain's lock: no two entries share a
    predecessor, and the chain verifies."""
    member = factories.MemberFactory()
    start = threading.Barrier(4)
    errors = []

    def write():
        try:
            start.wait(timeout=10)
            for i in range(10):
                with transaction.atomic():
                    audit_record(actor=None, action="member.view", target=member, note=str(i))
                    audit_record_many([(member, None, None)] * 2, actor=None, action="member.view")
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == 4 * 10 * 3 == len(set(prev_hashes))
    report = trail_verify()
    assert report.ok and report.count == 120


def test_the_api_has_no_route_to_the_audit_trail(secretariat_client):
    """The API's schema lists every route: none reads or writes audit entries."""
    import json

    from django.urls import reverse

    schema = secretariat_client.get(reverse("api-schema"), {"format": "json"})

    paths = json.loads(schema.content)["paths"]
    assert paths and not [p for p in paths if "audit" in p.lower()]
