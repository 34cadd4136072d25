"""An embedded PostgreSQL server for machines that have none.

`pgserver` bundles PostgreSQL binaries; the cluster lives in `.data/postgres` inside the
checkout (ignored by git) and keeps running between commands so that every
`manage.py` call after the first one connects in milliseconds.
"""

import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from quartier.platform.env import REPOSITORY_ROOT

DEFAULT_DATA_DIR = REPOSITORY_ROOT / ".data" / "postgres"

# Enough for the booking concurrency tests and benchmarks (50-200 parallel clients);
# the stock 100 is too tight once Django, a worker and a benchmark share the server.
_SERVER_SETTINGS = {"max_connections": "300"}


def embedded_database_url(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start (or reuse) the embedded server and return a unix-socket database URL."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    if _apply_server_settings(server):
        server = _restart(server, data_dir)
    return server.get_uri()


def _apply_server_settings(server) -> bool:
    """Write our settings once; True when the server must restart to pick them up."""
    marker = server.pgdata / ".quartier-settings"
    wanted = repr(sorted(_SERVER_SETTINGS.items()))
    if marker.exists() and marker.read_text() == wanted:
        return False
    current = {
        name: server.psql(f"SHOW {name};").split("\n")[2].strip() for name in _SERVER_SETTINGS
    }
    changed = False
    for name, value in _SERVER_SETTINGS.items():
        if current[name] != value:
            server.psql(f"ALTER SYSTEM SET {name} = '{value}';")
            changed = True
    marker.write_text(wanted)
    return changed


def _restart(server, data_dir: Path):
    import pgserver
    from pgserver import _commands

    _commands.pg_ctl(["-w", "stop"], pgdata=data_dir, user=server.system_user)
    pgserver.PostgresServer._instances.pop(data_dir, None)
    return pgserver.get_server(data_dir, cleanup_mode=None)


def database_settings_from_url(url: str) -> dict:
    """Translate a postgres:// URL (TCP or unix socket) into Django DATABASES keys."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, got scheme {parsed.scheme!r}")
    query = parse_qs(parsed.query)
    host = query.get("host", [parsed.hostname or ""])[0]
    return {
        "NAME": (parsed.path or "/postgres").lstrip("/") or "postgres",
        "USER": parsed.username or "postgres",
        "PASSWORD": parsed.password or "",
        "HOST": host,
        "PORT": str(parsed.port or ""),
    }
