"""Root URLs: each area of the product is one include; the apps own their own routes."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from accreditation.gate import urls as gate_urls
from accreditation.portal.urls import members_urlpatterns as portal_members_urls
from accreditation.review import urls as review_urls
from delegations.portal import urls as delegations_portal_urls
from hanoi_summit.web import views

urlpatterns = [
    # First: every gate scan is resolved against this list, and each pattern tried costs it.
    path("api/", include(gate_urls.api_urlpatterns)),
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Second factors: the second step of every sign-in (portal and admin), and one's own factors.
    path("account/two-factor/", include(("hanoi_summit.twofactor.urls", "two_factor"))),
    # The passkey ceremonies, under the plugin's own URL names (its template tags reverse them).
    path("account/two-factor/webauthn/", include("hanoi_summit.twofactor.webauthn")),
    path("dashboard/", include(("hanoi_summit.secretariat.urls", "dashboard"))),
    # The focal points' portal: delegation and members, then accreditation, then programme.
    # Its Members page shows accreditation statuses, so accreditation serves it.
    path("portal/", include(([*portal_members_urls, *delegations_portal_urls.urlpatterns], "portal"))),
    path("portal/accreditation/", include(("accreditation.portal.urls", "portal_accreditation"))),
    path("portal/programme/", include(("sessions.portal.urls", "portal_programme"))),
    # Accreditation and security officers' screens.
    path("accreditation/", include(("accreditation.review.urls", "review"))),
    # Protocol: badges, desk, gates; and the programme's protocol pages.
    path("protocol/", include(("accreditation.protocol.urls", "protocol"))),
    path("protocol/programme/", include(("sessions.protocol.urls", "protocol_programme"))),
    # The public programme (and /programme.ics).
    path("", include(("sessions.public.urls", "programme"))),
    path("api/", include("delegations.api.urls")),
    path("api/", include(review_urls.api_urlpatterns)),
    path("api/", include("sessions.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI and ReDoc, served from our static files. Swagger UI runs under the site's
    # policy (its start-up script is /api/docs/?script=); ReDoc writes its styles into <style>
    # elements as it renders, and runs its search in a worker made from a blob: URL.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
    path("api/", views.api_index, name="api-index"),
]

# JSON under /api/, the usual pages elsewhere (hanoi_summit.core.http.ApiErrorMiddleware
# answers the exceptions of API views themselves).
handler400 = "hanoi_summit.web.views.bad_request"
handler403 = "hanoi_summit.web.views.permission_denied"
handler404 = "hanoi_summit.web.views.page_not_found"
handler500 = "hanoi_summit.web.views.server_error"
