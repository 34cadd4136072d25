"""ASGI entry point, served by uvicorn: the whole site, and the only way to serve the
live event stream (`/events/stream/`), which WSGI servers cannot keep open.

    uvicorn quartier.config.asgi:application --workers 2

gunicorn (WSGI) may keep serving the rest; there `/events/stream/` answers the missed
events and closes, and the browser comes back after the retry pause.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.config.settings")

application = get_asgi_application()
