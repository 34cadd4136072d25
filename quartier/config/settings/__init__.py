"""Project settings, split by concern; every value comes from the environment via env.py.

QUARTIER_ENV selects development (default: safe local defaults, embedded PostgreSQL),
test, or production (strict: secrets required, HTTPS-only cookies, HSTS).
"""

from quartier.config.settings.base import *  # noqa: F403
from quartier.config.settings.database import *  # noqa: F403
from quartier.config.settings.headers import *  # noqa: F403
from quartier.config.settings.integrations import *  # noqa: F403
from quartier.config.settings.security import *  # noqa: F403
from quartier.config.settings.storage import *  # noqa: F403
