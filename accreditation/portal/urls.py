from django.urls import path

from accreditation.portal import views as portal_views

urlpatterns = [
    path("", portal_views.status_page, name="status"),
    path("api/status/", portal_views.StatusView.as_view(), name="api-status"),
    path("api/submit/", portal_views.SubmitView.as_view(), name="api-submit"),
]

#: Mounted by the root URLconf under /portal/ in the "portal" namespace: the Members page.
members_urlpatterns = [path("members/", portal_views.member_list, name="members")]
