"""/dashboard/exports/<kind>.<csv|xlsx>: start an export, filtered as the admin list it came
from, in the background; the answer is its document page (secretariat.documents)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from hanoi_summit.core.access import all_perms_required
from hanoi_summit.secretariat.documents.kinds import export_kind
from hanoi_summit.secretariat.documents.views import start_and_show
from hanoi_summit.secretariat.exports.filters import ExportFilterError
from hanoi_summit.secretariat.exports.specs import EXPORTS, FORMATS


def _export_permission_or_403(request, kind):
    spec = EXPORTS.get(kind)
    if spec is None:
        raise Http404
    if not (request.user.is_staff and request.user.has_perm(spec.permission)):
        raise PermissionDenied
    return spec


@all_perms_required()
def export(request, kind, fmt):
    """/dashboard/exports/<kind>.<csv|xlsx>, filtered by the admin list's query string."""
    _export_permission_or_403(request, kind)
    if fmt not in FORMATS:
        raise Http404
    try:
        return start_and_show(request, kind=export_kind(kind, fmt).name, params=request.GET.dict())
    except ExportFilterError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
