"""Puts htmx (from the npm registry, pinned and checked against its published sha512)
into .cache/vendor/htmx/, which settings.STATICFILES_DIRS serves as static/vendor/htmx/.

Fetched at install time (`make install`, the Docker image's build), never committed.
Standard library only, so the image's builder needs no npm.
"""

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "2.0.11"
TARBALL = f"https://registry.npmjs.org/htmx.org/-/htmx.org-{VERSION}.tgz"
INTEGRITY = (  # the registry's dist.integrity for this version
    "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636"
    "dtamA=="
)
TARGET = Path(__file__).resolve().parent.parent / ".cache" / "vendor" / "htmx"
WANTED = {"package/dist/htmx.min.js": "htmx.min.js", "package/LICENSE": "LICENSE"}


def main() -> int:
    if all((TARGET / name).exists() for name in WANTED.values()):
        return 0
    with urllib.request.urlopen(TARBALL, timeout=60) as answer:  # noqa: S310 (fixed https URL)
        body = answer.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(body).digest()).decode()
    if digest != INTEGRITY:
        print(
            f"htmx {VERSION}: the tarball's digest does not match; not installed", file=sys.stderr
        )
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as archive:
        for member, name in WANTED.items():
            (TARGET / name).write_bytes(archive.extractfile(member).read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
