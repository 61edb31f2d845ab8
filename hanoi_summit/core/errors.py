"""The domain error every service raises: a human message and a machine-readable code."""


class DomainError(Exception):
    """A refused operation. `code` is stable and goes into API answers; `message` is for people.

    Each app subclasses it so callers can tell whose rule refused (`AccreditationError`...).
    """

    default_code = "invalid"

    def __init__(self, message, *, code=None, field=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field

    def __str__(self):
        return self.message
