"""Forms of the programme's pages: they parse input; the services decide."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from delegations.models import Member
from hanoi_summit.core.clock import HANOI
from sessions.models import GalaInvitation, Session, SessionKind, SigningBasis


def event_days():
    first = dt.date.fromisoformat(settings.EVENT_FIRST_DAY)
    last = dt.date.fromisoformat(settings.EVENT_LAST_DAY)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


class ProgrammeFilterForm(forms.Form):
    day = forms.TypedChoiceField(
        label=_("Day"), required=False, coerce=dt.date.fromisoformat, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *SessionKind.choices]
    )
    room = forms.TypedChoiceField(label=_("Room"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [("", _("Both days"))] + [
            (day.isoformat(), date_format(day, "l j F Y")) for day in event_days()
        ]
        self.fields["room"].choices = [("", _("All rooms"))] + [(room.pk, room.name) for room in rooms]


class _MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.display_name} ({member.get_role_display()})"


class BookingForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=Session.objects.none())
    member = _MemberChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args, sessions, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["member"].queryset = members
        self.fields["session"].label_from_instance = lambda s: (
            f"{s.title} · {date_format(timezone.localtime(s.starts_at, HANOI), 'D j M, H:i')}"
        )


class SpeakerRequestForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Plenary"), queryset=Session.objects.none())
    speaker = _MemberChoiceField(label=_("Speaker"), queryset=Member.objects.none())

    def __init__(self, *args, sessions, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["speaker"].queryset = members


class GalaResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    guest_name = forms.CharField(label=_("Guest's name"), max_length=200, required=False)
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=200, required=False)

    def __init__(self, *args, invitation: GalaInvitation, **kwargs):
        # The form shows the answer already given, so a second visit changes it knowingly.
        answers = {GalaInvitation.Status.ACCEPTED: "accept", GalaInvitation.Status.DECLINED: "decline"}
        kwargs.setdefault(
            "initial",
            {
                "answer": answers.get(invitation.status),
                "guest_name": invitation.guest_name,
                "dietary_needs": invitation.dietary_needs,
            },
        )
        super().__init__(*args, **kwargs)
        if not invitation.guest_allowed:
            del self.fields["guest_name"]


class SignatureForm(forms.Form):
    # Nothing is chosen for the delegation: a declaration is what the focal point ticks.
    intends_to_sign = forms.BooleanField(label=_("We intend to sign the Convention in Hanoi"), required=False)
    signatory = _MemberChoiceField(label=_("Signatory"), queryset=Member.objects.none())
    basis = forms.ChoiceField(
        label=_("Basis of authority"),
        choices=[("", _("Choose the basis of authority")), *SigningBasis.choices],
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = members


class FullPowersForm(forms.Form):
    file = forms.FileField(label=_("Full powers (PDF)"))
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class SpeakerMoveForm(forms.Form):
    position = forms.IntegerField(label=_("Position"), min_value=1)


class SigningOrderForm(forms.Form):
    slot_minutes = forms.IntegerField(
        label=_("Minutes per slot"),
        min_value=1,
        max_value=60,
        initial=settings.PROGRAMME_SIGNING_SLOT_MINUTES,
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
