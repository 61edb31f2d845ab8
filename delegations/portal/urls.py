from django.contrib.auth import views as auth_views
from django.urls import include, path

from delegations.portal import views

# The Members page itself ("members/", name "members") shows accreditation statuses: it is
# accreditation.portal's, composed into this namespace by the root URLconf.
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="portal/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="portal/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("delegation/", views.delegation_edit, name="delegation"),
    path("members/add/", views.member_add, name="member-add"),
    path("members/import/", include("delegations.imports.urls")),
    path("members/<int:pk>/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/delete/", views.member_delete, name="member-delete"),
    path("members/<int:pk>/photo/", views.member_photo, name="member-photo"),
    path("members/<int:pk>/data/", views.member_data, name="member-data"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_file, name="document-file"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
]
