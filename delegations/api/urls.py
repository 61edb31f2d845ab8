from django.urls import path

from delegations.api import views as api

urlpatterns = [
    path("delegation/", api.DelegationView.as_view(), name="api-delegation"),
    path("delegation/members/", api.MemberListView.as_view(), name="api-members"),
    path("delegation/members/<int:pk>/", api.MemberDetailView.as_view(), name="api-member"),
    path("delegation/members/<int:pk>/photo/", api.MemberPhotoView.as_view(), name="api-member-photo"),
]
