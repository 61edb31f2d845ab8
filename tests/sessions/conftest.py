import pytest


@pytest.fixture(autouse=True)
def _programme_clock(settings):
    # The event is in October 2025: pin the programme's clock to the week before it.
    settings.EVENT_NOW = "2025-10-20T09:00:00+07:00"
    settings.PROGRAMME_SIGNING_SLOT_MINUTES = 3
