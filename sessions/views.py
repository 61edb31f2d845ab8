from django.http import HttpResponse
from django.shortcuts import render


def programme_index(request):
    return render(request, "programme/index.html", {})


def programme_ics(request):
    return HttpResponse("", content_type="text/calendar")
