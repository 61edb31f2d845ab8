"""What the secretariat's admin gets from the composing app: exports and the audit history.

The apps' own admins know nothing of hanoi_summit's exports and history pages (dependencies
point one way); `compose_admin` adds them once every admin module has registered its
models (HanoiSummitConfig.ready, which runs after the admin's autodiscovery).
"""

#: (app label, model name) -> export kind of hanoi_summit.secretariat.exports.specs.EXPORTS
EXPORTABLE = {
    ("delegations", "delegation"): "delegations",
    ("delegations", "member"): "members",
    ("programme", "booking"): "bookings",
    ("accreditation", "badge"): "badges",
    ("accreditation", "scan"): "scans",
}

HISTORY_CHANGE_FORM = "admin/change_form_with_history.html"


def compose_admin(site):
    from hanoi_summit.secretariat.exports.actions import export_action
    from hanoi_summit.secretariat.history import HISTORY_MODELS

    for model, model_admin in site._registry.items():
        key = (model._meta.app_label, model._meta.model_name)
        if key in EXPORTABLE:
            kind = EXPORTABLE[key]
            model_admin.actions = [
                *(model_admin.actions or []),
                export_action(kind, "csv"),
                export_action(kind, "xlsx"),
            ]
        # Records with a history page link to it from their change form.
        if model._meta.label_lower in HISTORY_MODELS and model_admin.change_form_template is None:
            model_admin.change_form_template = HISTORY_CHANGE_FORM
