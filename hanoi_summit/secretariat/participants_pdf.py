"""The official List of Participants, as a PDF in the United Nations' usual form.

Sections in this order: States (member States and the host country together, in English
alphabetical order), observer States, the regional economic integration organisation (the
European Union), intergovernmental organisations, United Nations entities, then other
organisations (NGOs, private sector, academia, media). Each delegation lists its members
with title, name and function in protocol order: the head of delegation, the deputy head,
then the others by protocol rank. A delegation that runs on into the next column or page
repeats its name there, followed by "(cont.)". Only
people whose accreditation has been approved (and not since refused or revoked) appear;
withdrawn delegations and delegations with nobody to list are left out.

Rendered with reportlab in DejaVu Sans (hanoi_summit.core.fonts), which has every Vietnamese
letter.
"""

import io
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)

from accreditation.models import AccreditationStatus
from delegations.models import Delegation, DelegationKind, DelegationStatus, Member, MemberRole
from hanoi_summit.core import fonts

K = DelegationKind
S = AccreditationStatus

#: Accreditations from approval onward; draft, pending, returned, rejected, refused and
#: revoked ones are not listed.
LISTED_STATUSES = (S.APPROVED, S.CLEARED, S.BADGE_ISSUED, S.PRINTED, S.COLLECTED)

#: (section heading, [(sub-heading or None, kinds)]) in the order of the printed list.
SECTIONS = (
    (gettext_lazy("States"), ((None, (K.HOST_COUNTRY, K.MEMBER_STATE)),)),
    (gettext_lazy("Observer States"), ((None, (K.OBSERVER_STATE,)),)),
    (gettext_lazy("Regional economic integration organisation"), ((None, (K.REIO,)),)),
    (gettext_lazy("Intergovernmental organisations"), ((None, (K.IGO,)),)),
    (gettext_lazy("United Nations entities"), ((None, (K.UN_ENTITY,)),)),
    (
        gettext_lazy("Other organisations"),
        (
            (gettext_lazy("Non-governmental organisations"), (K.NGO,)),
            (gettext_lazy("Private sector"), (K.PRIVATE_SECTOR,)),
            (gettext_lazy("Academia"), (K.ACADEMIA,)),
            (gettext_lazy("Media"), (K.MEDIA,)),
        ),
    ),
)

FONT = fonts.REGULAR


@dataclass
class Group:
    heading: object
    delegations: list


@dataclass
class Section:
    heading: object
    groups: list


def sort_key(name):
    """English alphabetical order: accents ignored (Côte d'Ivoire among the Cs), case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _listed_members():
    """The members the list shows, in their order within a delegation."""
    return (
        Member.objects.filter(accreditation__status__in=LISTED_STATUSES)
        .annotate(
            precedence=Case(
                When(role=MemberRole.HEAD, then=Value(0)),
                When(role=MemberRole.DEPUTY, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("precedence", "protocol_rank", "family_name", "given_names", "id")
    )


def _listed_prefetch():
    return Prefetch("members", queryset=_listed_members(), to_attr="listed")


def listed_delegations():
    """The delegations the list shows: not withdrawn, with someone to list."""
    someone = _listed_members().filter(delegation=OuterRef("pk"))
    return Delegation.objects.exclude(status=DelegationStatus.WITHDRAWN).filter(Exists(someone))


def participants_list():
    """The sections of the list, each with its delegations (those with someone to list).
    One query: the writer reads their members a chunk of delegations at a time
    (`_load_members_in_chunks`), so that its memory does not grow with the whole list."""
    by_kind = {}
    for delegation in listed_delegations().only("id", "name", "kind"):
        by_kind.setdefault(delegation.kind, []).append(delegation)
    sections = []
    for heading, subgroups in SECTIONS:
        groups = []
        for subheading, kinds in subgroups:
            found = [d for kind in kinds for d in by_kind.get(kind, [])]
            found.sort(key=lambda d: (sort_key(d.name), d.pk))
            if found:
                groups.append(Group(heading=subheading, delegations=found))
        if groups:
            sections.append(Section(heading=heading, groups=groups))
    return sections


def member_line(member):
    """ "H.E. Ms Nguyễn Thị Thu Hà": the title and the name (Member.formal_name)."""
    return member.formal_name


def member_function(member):
    role = {MemberRole.HEAD: _("Head of delegation"), MemberRole.DEPUTY: _("Deputy head of delegation")}
    parts = [member.function] if member.function else []
    if member.role in role and role[member.role].casefold() not in member.function.casefold():
        parts.append(role[member.role])
    return ", ".join(parts)


def _member_markup(member):
    markup = escape(member_line(member))
    function = member_function(member)
    if function:
        markup += f'<br/><font name="{fonts.OBLIQUE}" size="7.5" color="#444444">{escape(function)}</font>'
    return markup


def _styles():
    blue = colors.HexColor("#0b4f8a")
    return {
        "title": ParagraphStyle("title", fontName=fonts.BOLD, fontSize=18, leading=22, alignment=TA_CENTER),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=FONT, fontSize=10, leading=13, alignment=TA_CENTER, textColor=colors.grey
        ),
        "section": ParagraphStyle(
            "section",
            fontName=fonts.BOLD,
            fontSize=12,
            leading=15,
            textColor=blue,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "group": ParagraphStyle(
            "group",
            fontName=fonts.OBLIQUE,
            fontSize=10,
            leading=13,
            textColor=blue,
            spaceBefore=4,
            spaceAfter=4,
        ),
        "delegation": ParagraphStyle(
            "delegation", fontName=fonts.BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=2
        ),
        "member": ParagraphStyle(
            "member", fontName=FONT, fontSize=8.5, leading=10.5, leftIndent=8, spaceAfter=2.5
        ),
    }


#: Delegations whose members are loaded (one query) and laid out at a time.
CHUNK_DELEGATIONS = 200


def _load_members_in_chunks(sections, on_progress=None):
    """Yield each delegation of `sections` in order, its `listed` members loaded with those
    of the next CHUNK_DELEGATIONS delegations (one query per chunk) and dropped once the
    chunk has been laid out; `on_progress(delegations done, total)` before each chunk."""
    delegations = [d for section in sections for group in section.groups for d in group.delegations]
    total = len(delegations)
    for start in range(0, total, CHUNK_DELEGATIONS):
        chunk = delegations[start : start + CHUNK_DELEGATIONS]
        if on_progress:
            on_progress(start, total)
        prefetch_related_objects(chunk, _listed_prefetch())
        yield from chunk
        for delegation in chunk:
            del delegation.listed


def _story(sections, styles, on_progress=None):
    """The list's flowables, made as reportlab asks for them (a generator), the members of
    each delegation read with its chunk's (`on_progress` as in `_load_members_in_chunks`)."""
    loaded = _load_members_in_chunks(sections, on_progress)
    yield from [
        Paragraph(escape(_("List of Participants")), styles["title"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(settings.EVENT_LONG_NAME), styles["subtitle"]),
        Paragraph(
            escape(_("National Convention Centre, Hanoi, %(dates)s") % {"dates": settings.EVENT_DATES}),
            styles["subtitle"],
        ),
        NextPageTemplate("later"),
        FrameBreak(),
    ]
    for section in sections:
        yield Paragraph(escape(str(section.heading)), styles["section"])
        for group in section.groups:
            if group.heading:
                yield Paragraph(escape(str(group.heading)), styles["group"])
            for _in_order in group.delegations:
                delegation = next(loaded)  # the same one, its members read
                heading = Paragraph(escape(delegation.name), styles["delegation"])
                entries = [
                    Paragraph(_member_markup(member), styles["member"]) for member in delegation.listed
                ]
                # _ListDocument reads these to repeat the name where the delegation runs on.
                for flowable in (heading, *entries[:-1]):
                    flowable.hs_continues = delegation.name
                entries[-1].hs_continues = None
                # The delegation's name never ends a column alone. (Nested KeepTogethers
                # make reportlab break the page, so each person is one paragraph.)
                yield KeepTogether([heading, *entries[:1]])
                yield from entries[1:]


class _Unrolled(list):
    """A list reportlab lays out that is filled from `flowables` (a generator) as it is
    emptied: doc.build() takes a list and consumes it from the front, so feeding it a few
    flowables ahead means the whole story never exists at once."""

    AHEAD = 64

    def __init__(self, flowables):
        super().__init__()
        self._flowables = flowables

    def __len__(self):
        while list.__len__(self) < self.AHEAD and self._flowables is not None:
            item = next(self._flowables, None)
            if item is None:
                self._flowables = None
            else:
                self.append(item)
        return list.__len__(self)


class _ListDocument(BaseDocTemplate):
    """Repeats the name of a delegation, with "(cont.)", at the top of the column or page it
    runs on into: a reader who opens the list there knows whose people they are reading."""

    def __init__(self, *args, continued_style, **kwargs):
        super().__init__(*args, **kwargs)
        self._continued_style = continued_style
        #: The delegation whose members are still being laid out, if any.
        self._continuing = None

    def afterFlowable(self, flowable):
        if hasattr(flowable, "hs_continues"):
            self._continuing = flowable.hs_continues

    def handle_frameBegin(self, resume=0, pageTopFlowables=None):
        if self._continuing:
            text = _("%(delegation)s (cont.)") % {"delegation": self._continuing}
            pageTopFlowables = [*(pageTopFlowables or []), Paragraph(escape(text), self._continued_style)]
        super().handle_frameBegin(resume=resume, pageTopFlowables=pageTopFlowables)


def participants_pdf():
    """The List of Participants as PDF bytes (see `write_participants_pdf`)."""
    buffer = io.BytesIO()
    write_participants_pdf(buffer)
    return buffer.getvalue()


def write_participants_pdf(out, on_progress=None):
    """Write the List of Participants to `out` (a path or a binary file), in English (the
    list's official language), a chunk of delegations at a time: the members of the next
    CHUNK_DELEGATIONS delegations are read, laid out, then dropped, so memory does not grow
    with the list. `on_progress(delegations done, total)` before each chunk."""
    fonts.register_fonts()
    with translation.override("en"):
        sections = participants_list()
        styles = _styles()
        width, height = A4
        margin = 16 * mm
        gap = 8 * mm
        column = (width - 2 * margin - gap) / 2
        title_height = 32 * mm
        body = height - 2 * margin - 8 * mm

        def columns(top):
            return [
                Frame(margin, margin + 8 * mm, column, top, id="left", showBoundary=0),
                Frame(margin + column + gap, margin + 8 * mm, column, top, id="right", showBoundary=0),
            ]

        first = [
            Frame(margin, height - margin - title_height, width - 2 * margin, title_height, id="title"),
            *columns(body - title_height),
        ]
        footer_text = _("List of Participants")

        def footer(canvas, doc):
            canvas.saveState()
            canvas.setFont(FONT, 7.5)
            canvas.setFillColor(colors.grey)
            canvas.drawString(margin, margin, f"{settings.EVENT_NAME} · {footer_text}")
            canvas.drawRightString(width - margin, margin, str(doc.page))
            canvas.restoreState()

        doc = _ListDocument(
            out,
            continued_style=styles["delegation"],
            pagesize=A4,
            title=str(footer_text),
            author=_("Hanoi Convention Secretariat"),
            subject=settings.EVENT_LONG_NAME,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
        )
        doc.addPageTemplates(
            [
                PageTemplate(id="first", frames=first, onPageEnd=footer),
                PageTemplate(id="later", frames=columns(body), onPageEnd=footer),
            ]
        )
        story = _story(sections, styles, on_progress)
        if not sections:
            story = iter(
                [*story, Paragraph(escape(_("Nobody has been accredited yet.")), styles["subtitle"])]
            )
        doc.build(_Unrolled(story))
