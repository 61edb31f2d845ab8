"""Who may see what in the portal: the focal point of a delegation, and staff whose role needs it."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from delegations.selectors import focal_point_delegation


def focal_point_required(view):
    """Let only a focal point in; the view finds their delegation in `request.delegation`.

    Every object a portal view loads must be filtered by `request.delegation` (selectors'
    `delegation_*_get` do it and answer 404 for another delegation's objects).
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        delegation = focal_point_delegation(user=request.user)
        if delegation is None:
            response = render(request, "portal/not_focal_point.html", status=403)
        else:
            request.delegation = delegation
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
