"""Bulk import of members, included under /portal/members/import/ (namespace "portal").

Focal points import into their own delegation; staff holding `delegations.add_member` import
into any delegation at delegation/<id>/ (chosen at delegation/).
"""

from django.urls import path

from delegations.imports import views as import_views

urlpatterns = [
    path("", import_views.member_import, name="member-import"),
    path("confirm/", import_views.member_import_confirm, name="member-import-confirm"),
    path("template.<str:fmt>", import_views.member_import_template, name="member-import-template"),
    path("delegation/", import_views.staff_member_import_choose, name="member-import-staff-choose"),
    path("delegation/<int:delegation_pk>/", import_views.staff_member_import, name="member-import-staff"),
    path(
        "delegation/<int:delegation_pk>/confirm/",
        import_views.staff_member_import_confirm,
        name="member-import-staff-confirm",
    ),
]
