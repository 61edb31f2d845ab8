import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
application = get_wsgi_application()

from hanoi_summit.checks import refuse_to_serve_without_keys  # noqa: E402 - needs the settings

refuse_to_serve_without_keys()
