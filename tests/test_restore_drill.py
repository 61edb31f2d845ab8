"""The restore drill of the README's "Backups": pg_dump the database, copy the private
directory, restore both elsewhere, start the application on the copy with the same key, and
check that nothing is missing and that a badge printed before the backup opens the gate."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from accreditation.badges import codes, keys
from accreditation.models import Accreditation, Badge, Scan
from delegations.models import Delegation, Member
from hanoi_summit.core.crypto import keys_as_environment
from hanoi_summit.core.models import AuditEntry
from tests.accreditation.gate.test_scan import collected_badge
from tests.conftest import require
from tests.factories import StaffUserFactory, ZoneFactory
from tests.integration.support import REPO_ROOT, database_url

MODELS = {"badges": Badge, "accreditations": Accreditation, "members": Member, "delegations": Delegation}
MODELS |= {"scans": Scan, "audit": AuditEntry}

# Run by the restored application: its counts, the photo it can read, and a scan at the gate.
RESTORED = """
import json
from accreditation.badges import codes
from accreditation.gate.scan import badge_scan
from accreditation.models import Accreditation, Badge, Scan
from delegations.models import Delegation, Member
from hanoi_summit.core.models import AuditEntry
from django.contrib.auth import get_user_model

models = {"badges": Badge, "accreditations": Accreditation, "members": Member,
          "delegations": Delegation, "scans": Scan, "audit": AuditEntry}
counts = {name: model.objects.count() for name, model in models.items()}
badge = Badge.objects.get(number=%(number)d)
photo = badge.accreditation.member.photo
officer = get_user_model().objects.get(username="gate")
outcome = badge_scan(code=codes.badge_code(badge), zone_code="PLN", direction="in", actor=officer)
print(json.dumps({"counts": counts, "photo": photo.storage.size(photo.name),
                  "code": codes.badge_code(badge), "result": outcome.result, "reason": outcome.reason,
                  "scans_after": Scan.objects.count()}))
"""


def run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.django_db(transaction=True)
def test_restore_drill(require_postgres, tmp_path):
    for tool in ("pg_dump", "pg_restore", "psql"):
        require(shutil.which(tool), f"needs {tool} (PostgreSQL client tools)")
    ZoneFactory(code="PLN", name="Plenary hall", capacity=10)
    StaffUserFactory(role="Gate officer", username="gate")
    badge = collected_badge()  # printed and handed over, with a photo in the private directory
    code = codes.badge_code(badge)
    before = {name: model.objects.count() for name, model in MODELS.items()}
    photo = badge.accreditation.member.photo
    assert before["badges"] == 1 and photo.size > 0

    db = connection.settings_dict
    pg = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    restored = f"{db['NAME']}_restored"
    dump = tmp_path / "hanoi.dump"
    # 1. The backup: the database and the private directory (uploads; a development key too).
    run("pg_dump", *pg, "--format=custom", f"--file={dump}", db["NAME"])
    backup_private = tmp_path / "backup" / "private"
    shutil.copytree(settings.STORAGES["default"]["OPTIONS"]["location"], backup_private)
    # 2. The restore, into a new database and a new directory.
    run(
        "psql",
        *pg,
        "-d",
        "postgres",
        "-c",
        f'DROP DATABASE IF EXISTS "{restored}"',
        "-c",
        f'CREATE DATABASE "{restored}"',
    )
    try:
        run("pg_restore", *pg, "--no-owner", "--exit-on-error", "-d", restored, str(dump))
        var_dir = tmp_path / "restored-var"
        shutil.copytree(backup_private, var_dir / "private")
        # 3. The application on the copy, with the same key, as production starts.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "EVENT_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="hanoi_summit.settings",
            DATABASE_URL=database_url({**db, "NAME": restored}),
            HANOI_VAR_DIR=str(var_dir),
            BADGE_SIGNING_KEY=keys.private_pem(keys.signing_key()).decode(),
            # The field keys, kept with the badge key (README, Backups): the passports read back.
            **keys_as_environment(),
        )
        result = run(
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            RESTORED % {"number": badge.number},
            cwd=REPO_ROOT,
            env=env,
        )
        after = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        connection.close()  # no session of ours may hold the database being dropped
        run("psql", *pg, "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    # 4. The checks of the README's drill.
    assert after["counts"] == before
    assert after["photo"] == photo.size
    assert after["code"] == code  # the same signature: the same key
    assert (after["result"], after["reason"]) == ("granted", "ok")
    assert after["scans_after"] == before["scans"] + 1
