"""What the API reads from a request before a view does: JSON bodies and page parameters.

Both are named in settings.REST_FRAMEWORK (DEFAULT_PARSER_CLASSES, DEFAULT_PAGINATION_CLASS), so
this module must not import rest_framework.views, which reads those settings as it loads.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, parsers

#: The largest id a row can have (64-bit columns); a larger number in a request is a 400, not
#: an overflow in the database driver.
MAX_ROW_ID = 2**63 - 1
#: How deeply a JSON body may nest arrays and objects. Our requests nest two or three levels;
#: a thousand levels (six kilobytes) exhaust Python's recursion limit in the JSON decoder.
MAX_JSON_DEPTH = 32
#: The most rows one page of a list holds, whatever `?limit=` asks.
MAX_PAGE_LIMIT = 1000


def json_too_deep(data, max_depth=MAX_JSON_DEPTH):
    """Whether parsed JSON `data` nests arrays and objects more than `max_depth` levels (read
    level by level, without recursion)."""
    level = [data]
    for _depth in range(max_depth):
        level = [
            child
            for value in level
            if isinstance(value, dict | list)
            for child in (value.values() if isinstance(value, dict) else value)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def json_too_deep_error():
    return exceptions.ParseError(
        _("The JSON body nests more than %(n)s levels deep.") % {"n": MAX_JSON_DEPTH},
        code="json_too_deep",
    )


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting with a 400 (code "json_too_deep").

    Python's decoder recurses once per level: a body nested a thousand deep raises
    RecursionError, which DRF would let through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise json_too_deep_error() from None
        if json_too_deep(data):
            raise json_too_deep_error()
        return data


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """DRF's limit/offset pages, with `limit` at most MAX_PAGE_LIMIT and `offset` at most the
    largest row id: a number beyond 64 bits would overflow in the database driver (a 500)."""

    max_limit = MAX_PAGE_LIMIT

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_ROW_ID)
