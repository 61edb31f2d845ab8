from django.http import HttpResponseRedirect
from django.urls import reverse


class StaffOnlyAdminMiddleware:
    """Focal points are not staff and never reach /admin/: send them to their portal.

    Django's admin already refuses non-staff users; this makes the refusal a redirect to
    the portal rather than the admin's own login form, which would confuse a diplomat.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/admin/")
            and user is not None
            and user.is_authenticated
            and not user.is_staff
        ):
            return HttpResponseRedirect(reverse("portal:home"))
        return self.get_response(request)
