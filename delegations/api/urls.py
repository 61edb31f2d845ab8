from django.urls import path

from delegations.api import views as api

urlpatterns = [
    path("delegation/", api.DelegationAPI.as_view(), name="api-delegation"),
    path("delegation/members/", api.MemberListAPI.as_view(), name="api-members"),
    path("delegation/members/<int:pk>/", api.MemberDetailAPI.as_view(), name="api-member"),
    path("delegation/members/<int:pk>/photo/", api.MemberPhotoAPI.as_view(), name="api-member-photo"),
]
