"""Small display helpers for the review and protocol pages; the tones come from
accreditation.presentation."""

from django import template

from accreditation import presentation, rules

register = template.Library()


@register.filter
def status_tone(status):
    """The Bootstrap colour of an accreditation status pill."""
    return presentation.accreditation_tone(status)


@register.filter
def batch_tone(status):
    """The Bootstrap colour of a print batch's status pill."""
    return presentation.batch_tone(status)


@register.filter
def badge_tone(badge):
    """The Bootstrap colour of a badge version's state at the desk."""
    return presentation.BADGE_TONES[presentation.badge_state(badge)]


@register.filter
def suggested_category(member):
    """The code of the category the rules suggest for `member` (no query: its delegation is
    selected with it); what "approve the selected" gives each one."""
    return rules.suggest(member=member).category_code
