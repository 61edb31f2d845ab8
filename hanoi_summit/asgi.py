import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hanoi_summit.settings")
application = get_asgi_application()

from hanoi_summit.checks import refuse_to_serve_without_keys  # noqa: E402 - needs the settings

refuse_to_serve_without_keys()
