"""The one place that reads the process environment.

Settings modules call these helpers; application code reads `django.conf.settings`
at call time instead (never at import time).
"""

import os
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvironmentValueError(ValueError):
    pass


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvironmentValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise EnvironmentValueError(f"{name} must be an integer, got {raw!r}") from error


def env_list(name: str, default: tuple[str, ...] = ()) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def deployment() -> str:
    """`development` (default), `test` or `production`."""
    value = env_str("QUARTIER_ENV", "development").strip().lower()
    if value not in {"development", "test", "production"}:
        raise EnvironmentValueError(
            f"QUARTIER_ENV must be development, test or production, got {value!r}"
        )
    return value
