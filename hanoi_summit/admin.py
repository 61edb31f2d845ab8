"""Admin autodiscovery looks here: the secretariat's admin registers the outbox and the audit
trail and brands the site."""

import hanoi_summit.secretariat.admin  # noqa: F401
