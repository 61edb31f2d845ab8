from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


def home(request):
    """Staff land on the dashboard, focal points on their portal, everyone else on the programme."""
    user = request.user
    if user.is_authenticated and user.is_staff:
        return redirect("admin:index")
    if user.is_authenticated:
        return redirect("portal:home")
    return redirect("programme:index")


# A cached "ok" would hide an outage from the load balancer.
@never_cache
@require_safe
def healthz(request):
    """200 with the status of each dependency; 503 when the database cannot be reached."""
    report = health.check_all()
    return JsonResponse(report, status=200 if report["database"]["ok"] else 503)
