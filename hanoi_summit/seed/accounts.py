"""Demo accounts: one staff account per role, one focal point per demo delegation.

Every demo account shares one password: DEMO_PASSWORD, or one generated at random the first
time and printed once. It is hashed once and the hash given to every account (PBKDF2 takes
a third of a second per hash: thousands of accounts would take minutes otherwise).
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group

from hanoi_summit import roles

#: username -> (role group, first name, last name).
STAFF_ACCOUNTS = {
    "secretariat": (roles.SECRETARIAT, "Thu Hà", "Trần"),
    "accreditation": (roles.ACCREDITATION_OFFICER, "Minh Tuấn", "Lê"),
    "security": (roles.SECURITY_OFFICER, "Quang Huy", "Phạm"),
    "protocol": (roles.PROTOCOL_OFFICER, "Ngọc Anh", "Đặng"),
    "gate": (roles.GATE_OFFICER, "Văn Dũng", "Bùi"),
}
STAFF_EMAIL_DOMAIN = "hanoi-summit.example"


def focal_username(code):
    return f"focal-{code}"


@dataclass
class DemoPassword:
    """The password demo accounts get, and what happened to it, for the command to print."""

    #: Clear text when the command should show it (generated now); else empty.
    shown: str = ""
    encoded: str = ""
    from_settings: bool = False
    #: Existing accounts whose password was set to DEMO_PASSWORD.
    reset: int = 0

    def hash_for_new_accounts(self):
        if not self.encoded:
            self.shown = secrets.token_urlsafe(12)
            self.encoded = make_password(self.shown)
        return self.encoded


def demo_password(configured):
    """The password policy of this run: DEMO_PASSWORD if set, else generated on first need."""
    if configured:
        return DemoPassword(encoded=make_password(configured), from_settings=True)
    return DemoPassword()


def align_passwords(password, configured, usernames):
    """With DEMO_PASSWORD set, give it to existing demo accounts that have another one.

    Each distinct stored hash is checked once (most accounts share one). Without
    DEMO_PASSWORD, existing passwords stay as they are.
    """
    if not configured:
        return
    User = get_user_model()
    stored = User.objects.filter(username__in=usernames).values_list("password", flat=True).distinct()
    stale = [encoded for encoded in stored if not check_password(configured, encoded)]
    if stale:
        password.reset = User.objects.filter(username__in=usernames, password__in=stale).update(
            password=password.encoded
        )


def ensure_staff_accounts(password):
    """Create the missing staff accounts, each in its role group; return them by username.

    Only roles that work in the admin get staff status (roles.ADMIN_ROLES); the security and
    gate accounts work on their own pages.

    Side effects: creates users and group memberships. Existing accounts keep their
    details; only a missing group membership is added, and staff status set as the role has it.
    """
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=STAFF_ACCOUNTS)}
    groups = {g.name: g for g in Group.objects.filter(name__in=[v[0] for v in STAFF_ACCOUNTS.values()])}
    accounts = {}
    for username, (role, first_name, last_name) in STAFF_ACCOUNTS.items():
        user = existing.get(username)
        if user is None:
            user = User.objects.create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@{STAFF_EMAIL_DOMAIN}",
                is_staff=role in roles.ADMIN_ROLES,
                password=password.hash_for_new_accounts(),
            )
        elif user.is_staff != (role in roles.ADMIN_ROLES) and not user.is_superuser:
            user.is_staff = role in roles.ADMIN_ROLES
            user.save(update_fields=["is_staff"])
        if role in groups and not user.groups.filter(pk=groups[role].pk).exists():
            user.groups.add(groups[role])
        accounts[username] = user
    return accounts
