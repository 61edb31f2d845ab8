"""Admin autodiscovery looks here: the secretariat's admin registers the outbox and the audit
trail and brands the site; the accounts' admin shows API tokens without their keys."""

import hanoi_summit.secretariat.admin  # noqa: F401
import hanoi_summit.secretariat.admin_accounts  # noqa: F401
