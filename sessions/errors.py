"""The programme's own refusal, so callers can tell which rule said no."""

from hanoi_summit.core.errors import DomainError


class ProgrammeError(DomainError):
    default_code = "programme_invalid"
