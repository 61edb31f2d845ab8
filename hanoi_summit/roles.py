"""The staff roles, as Django groups, and the permissions each one holds.

A data migration applies this table; change it, then add a migration that calls
`sync_roles` again, so every database follows.
"""

SECRETARIAT = "Secretariat"
ACCREDITATION_OFFICER = "Accreditation officer"
SECURITY_OFFICER = "Security officer"
PROTOCOL_OFFICER = "Protocol officer"
GATE_OFFICER = "Gate officer"

_CRUD = ("add", "change", "delete", "view")


def _all(app_label, *models):
    return [f"{app_label}.{action}_{model}" for model in models for action in _CRUD]


ROLE_PERMISSIONS = {
    SECRETARIAT: [
        *_all("delegations", "delegation", "focalpoint", "invitation", "member", "document"),
        "delegations.view_passport",
        *_all(
            "programme",
            "venue",
            "room",
            "session",
            "sessionrole",
            "booking",
            "speakerrequest",
            "galainvitation",
            "signature",
        ),
        "programme.verify_full_powers",
        *_all("accreditation", "zone", "category", "gatedevice"),
        "accreditation.view_accreditation",
        "accreditation.change_accreditation",
        "accreditation.review_accreditation",
        "accreditation.view_badge",
        "accreditation.view_printbatch",
        "accreditation.view_scan",
        "hanoi_summit.view_outgoingemail",
        "hanoi_summit.change_outgoingemail",
        "hanoi_summit.view_auditentry",
        "auth.view_user",
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
    ],
    ACCREDITATION_OFFICER: [
        "delegations.view_delegation",
        "delegations.view_member",
        "delegations.view_passport",
        "delegations.view_document",
        "accreditation.view_accreditation",
        "accreditation.change_accreditation",
        "accreditation.review_accreditation",
        "accreditation.view_category",
        "accreditation.view_zone",
        "accreditation.view_badge",
    ],
    # Security sees people only through the vetting screens, which show what vetting needs
    # and audit every look; model permissions would open whole records in the admin.
    SECURITY_OFFICER: [
        "accreditation.vet_accreditation",
    ],
    PROTOCOL_OFFICER: [
        "delegations.view_delegation",
        "delegations.view_member",
        "accreditation.view_accreditation",
        "accreditation.view_badge",
        "accreditation.print_badge",
        "accreditation.hand_over_badge",
        "accreditation.view_printbatch",
        "accreditation.add_printbatch",
        "accreditation.view_scan",
        "accreditation.check_in",
        "accreditation.undo_scan",
        "accreditation.view_zone",
        "accreditation.view_category",
        "programme.view_session",
        "programme.view_speakerrequest",
        "programme.change_speakerrequest",
        "programme.view_galainvitation",
        "programme.change_galainvitation",
        "programme.view_signature",
        "programme.manage_signing",
    ],
    GATE_OFFICER: [
        "accreditation.check_in",
        "accreditation.view_zone",
    ],
}

ALL_ROLES = list(ROLE_PERMISSIONS)

#: Roles whose work is partly in the admin: their accounts are staff (is_staff). Security and
#: gate officers work on their own pages only (vetting, the gate), where the admin would give
#: them nothing but a way in: their accounts are not staff and /admin/ refuses them.
ADMIN_ROLES = frozenset({SECRETARIAT, ACCREDITATION_OFFICER, PROTOCOL_OFFICER})


def has_staff_role(user):
    """Whether `user` works for the secretariat: staff, or in any role group, admin or not.
    Such accounts get the staff session limits and land on their role's page."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or user.groups.filter(name__in=ALL_ROLES).exists()


def sync_roles(apps):
    """Create or update each role's group so it holds exactly the permissions above."""
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Permissions are normally made after migrate; make them now so groups can hold them.
    # A migration's app configs have no models module, which create_permissions takes for
    # "no models": lend them one for the call. The live registry's are left as they are.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
    for role, dotted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in dotted:
            app_label, codename = name.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
