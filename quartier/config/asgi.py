"""ASGI entry point; the image serves WSGI (gunicorn), this is for ASGI servers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.config.settings")

application = get_asgi_application()
