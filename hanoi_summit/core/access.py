"""Who may open a staff page: one pair of decorators, named for what they ask.

`any_perm_required` guards the desks (review, vetting, protocol, gates), where one of several
duties opens the page. `all_perms_required` guards the secretariat's pages, which combine
several apps' data and need every permission they read, and a staff account.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def any_perm_required(*permissions):
    """Login, then any one of `permissions`; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(permission) for permission in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def all_perms_required(*permissions):
    """Staff holding every one of `permissions`; others are sent to log in, or refused (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not (user.is_staff and user.has_perms(permissions)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
