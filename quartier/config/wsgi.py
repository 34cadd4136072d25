import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartier.config.settings")

django_application = get_wsgi_application()

# Shared answers to anonymous API reads are written out before Django builds a request
# (tenants/response_cache.py); everything else is Django's.
from quartier.tenants.response_cache import SharedAnswers  # noqa: E402

application = SharedAnswers(django_application)
