"""The top bar's sections: each role sees the sections it may open, the current one marked.

One table for every page: a link appears only when the page behind it would let the user in
(the same permissions as the view's decorator), so security and gate officers see no
"Administration" and nobody is sent to a 403.
"""

from dataclasses import dataclass

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accreditation.permissions import CHECK_IN, HAND_OVER, PRINT, REVIEW, VET
from hanoi_summit.secretariat.dashboard.views import DASHBOARD_PERMISSIONS


@dataclass(frozen=True)
class Section:
    label: str
    url: str
    current: bool


def _staff_sections(request):
    """(label, url name, may open) for the staff's pages, in the order of the day's work."""
    user = request.user
    return (
        (_("Dashboard"), "dashboard:index", user.has_perms(DASHBOARD_PERMISSIONS)),
        (_("Review"), "review:queue", user.has_perm(REVIEW)),
        (_("Vetting"), "review:vetting-queue", user.has_perm(VET)),
        (_("Gate alerts"), "review:gate-alerts", user.has_perm(VET)),
        (_("Protocol"), "protocol:home", user.has_perm(PRINT) or user.has_perm(HAND_OVER)),
        (_("Gate"), "protocol:checkin", user.has_perm(CHECK_IN)),
        (
            _("Ceremonies"),
            "protocol_programme:index",
            user.has_perm("programme.view_session")
            and (user.has_perm("programme.manage_signing") or user.has_perm("programme.verify_full_powers")),
        ),
        # The admin opens to staff accounts only, and is worth a link only if it shows them
        # something (a model they may at least view).
        (_("Administration"), "admin:index", user.is_staff and bool(admin.site.get_app_list(request))),
    )


def sections_for(request, *, has_staff_role):
    """The sections of the top bar for this request's user, the current one marked."""
    user = request.user
    candidates = [(_("Programme"), reverse("programme:index"))]
    if user.is_authenticated and not user.is_staff and not has_staff_role:
        candidates.append((_("My delegation"), reverse("portal:home")))
    if user.is_authenticated and (user.is_staff or has_staff_role):
        candidates += [(label, reverse(name)) for label, name, allowed in _staff_sections(request) if allowed]
    # The current section is the one whose address is the longest start of the page's path
    # (the gate's /protocol/checkin/ is not "Protocol" at /protocol/).
    path = request.path
    matching = [url for _label, url in candidates if path.startswith(url) and url != "/"]
    current = max(matching, key=len, default=None)
    return [Section(label=label, url=url, current=url == current) for label, url in candidates]
