"""Where an officer was in a queue: the queue's query string (search, filters, page) carried
through a decision, so they come back to the queue as they left it, or go on to its next person."""

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accreditation import selectors
from accreditation.forms import QueueFilterForm

#: The form field that carries the queue's query string through a decision.
QUEUE_STATE = "queue"


def queue_state(request):
    """The queue's query string the page was opened with: from the decision form when
    posting, from the page's own query string otherwise (re-encoded: only parameters)."""
    raw = request.POST.get(QUEUE_STATE, "") if request.method == "POST" else request.GET.urlencode()
    return QueryDict(raw).urlencode()


def redirect_with_state(url, state):
    return redirect(f"{url}?{state}" if state else url)


def after_decision(request, accreditation, *, queue_url, detail_url, selector, order, statuses):
    """Back to the queue as it was; with "save and next" (`next` posted), on to the next
    person of the same filtered queue."""
    state = queue_state(request)
    if "next" in request.POST:
        filters = QueueFilterForm(QueryDict(state), statuses=statuses).filters()
        following = selectors.queue_next(selector(filters=filters), after=accreditation, order=order)
        if following is not None:
            return redirect_with_state(reverse(detail_url, args=[following.pk]), state)
        messages.info(request, _("Nobody else is waiting in this queue."))
    return redirect_with_state(reverse(queue_url), state)
