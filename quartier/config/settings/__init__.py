"""Project settings, split by concern; every value comes from the environment via env.py.

QUARTIER_ENV selects development (default: safe local defaults, embedded PostgreSQL),
test, or production (strict: secrets required, HTTPS-only cookies, HSTS).
"""

from quartier.platform.settings.base import *  # noqa: F403
from quartier.platform.settings.database import *  # noqa: F403
from quartier.platform.settings.integrations import *  # noqa: F403
from quartier.platform.settings.security import *  # noqa: F403
from quartier.platform.settings.storage import *  # noqa: F403
