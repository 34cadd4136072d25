"""A bare Django hello-world: the reference of bench/serving.py (same gunicorn settings).

No database, no middleware, one JSON view: the cost of Django and gunicorn themselves.
"""

from django.http import JsonResponse
from django.urls import path

SECRET_KEY = "bench-hello-world-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def hello(request):
    return JsonResponse({"hello": "world"})


urlpatterns = [path("", hello)]
