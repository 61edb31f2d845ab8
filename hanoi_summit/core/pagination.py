"""Paging the staff's list pages: one page of rows, and the filters to keep in its links."""

from django.core.paginator import Paginator

#: Rows per page of the staff's queues and lists.
PAGE_SIZE = 50


def page_of(request, queryset, *, per_page=PAGE_SIZE):
    """The page of `queryset` the request's `?page=` asks for (the last one if out of range)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request):
    """The request's query string minus `page`, for the pager's links to keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
