from hanoi_summit.core.errors import DomainError


class DelegationError(DomainError):
    """A refusal by the delegations app (quota, duplicate passport, locked member, bad file...)."""
