"""`manage.py seed_summit [--demo [--scale N]] [--reset-reference]`.

Loads the reference data (venue, rooms, zones, badge categories, programme); `--demo` adds
the demo delegations, people and accounts. Safe to run again: it adds what is missing and
changes nothing else.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hanoi_summit.seed.accounts import STAFF_ACCOUNTS
from hanoi_summit.seed.demo import load_demo
from hanoi_summit.seed.loader import load_reference

#: Where each staff role works, for the table of demo logins.
STAFF_PLACES = {
    "secretariat": "/dashboard/ and /admin/",
    "accreditation": "/accreditation/",
    "security": "/accreditation/security/",
    "protocol": "/protocol/",
    "gate": "/protocol/checkin/",
}
SHOWN_FOCAL_POINTS = [("focal-vnm", "Viet Nam (host)"), ("focal-fra", "France"), ("focal-unodc", "UNODC")]


class Command(BaseCommand):
    help = "Load the event's reference data; with --demo, add demo delegations, people and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="add the demo data and accounts")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="with --demo: N times the demo's members (extra organisations), e.g. 10",
        )
        parser.add_argument(
            "--reset-reference",
            action="store_true",
            help="rewrite edited reference rows (zones, categories, rooms, sessions) to the shipped data",
        )

    def handle(self, *args, demo, scale, reset_reference, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if scale > 1 and not demo:
            raise CommandError("--scale needs --demo.")
        started = time.monotonic()
        reference = load_reference(reset=reset_reference)
        self.stdout.write("Reference data:")
        for line in reference.lines() or ["unchanged: every reference row is present"]:
            self.stdout.write(f"  {line}")
        if reference.kept and not reset_reference:
            self.stdout.write("  (edited rows kept; --reset-reference restores the shipped data)")
        if demo:
            report = load_demo(scale=scale, configured_password=settings.DEMO_PASSWORD)
            self.stdout.write(f"Demo (scale {scale}, {report.plan_members} members planned):")
            for line in report.lines():
                self.stdout.write(f"  {line}")
            self._password(report.password)
            self._logins()
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))

    def _password(self, password):
        if password.from_settings:
            note = f" (set on {password.reset} existing accounts)" if password.reset else ""
            self.stdout.write(f"Demo password: the value of DEMO_PASSWORD{note}.")
        elif password.shown:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo password of the accounts created now: {password.shown}\n"
                    "  It is shown only this once; set DEMO_PASSWORD to choose one."
                )
            )
        else:
            self.stdout.write("Demo password: unchanged (set DEMO_PASSWORD to choose one).")

    def _logins(self):
        self.stdout.write("Demo logins:")
        rows = [(name, role, STAFF_PLACES[name]) for name, (role, _, _) in STAFF_ACCOUNTS.items()]
        rows += [(name, f"Focal point, {who}", "/portal/") for name, who in SHOWN_FOCAL_POINTS]
        width = max(len(name) for name, _, _ in rows)
        role_width = max(len(role) for _, role, _ in rows)
        for name, role, place in rows:
            self.stdout.write(f"  {name:<{width}}  {role:<{role_width}}  {place}")
        self.stdout.write(
            "  ...and focal-<code> for every demo delegation: the ISO 3166 alpha-3 code in lower "
            "case for States (focal-deu), the acronym in lower case for organisations (focal-interpol)."
        )
