"""File storage with names prefixed by the tenant's schema.

The same relative name saved by two tenants lands in two places
(`t_telco/...` and `t_acme/...`), and a name is only ever opened under the prefix of the
tenant being served, so a stored path of tenant A is meaningless on tenant B.
"""

import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.db import connection
from storages.backends.s3 import S3Storage


def tenant_prefix() -> str:
    return connection.schema_name


class TenantPrefixMixin:
    def _tenant_name(self, name: str) -> str:
        name = posixpath.normpath(str(name).replace("\\", "/")).lstrip("/")
        if name.startswith("..") or "/../" in f"/{name}/":
            raise SuspiciousFileOperation(f"Detected path traversal attempt in {name!r}")
        prefix = tenant_prefix()
        if name.startswith(prefix + "/"):
            return name
        return f"{prefix}/{name}"

    def _save(self, name, content):
        return super()._save(self._tenant_name(name), content)

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(self._tenant_name(name), max_length)

    def _open(self, name, mode="rb"):
        return super()._open(self._tenant_name(name), mode)

    def delete(self, name):
        return super().delete(self._tenant_name(name))

    def exists(self, name):
        return super().exists(self._tenant_name(name))

    def size(self, name):
        return super().size(self._tenant_name(name))

    def url(self, name, *args, **kwargs):
        return super().url(self._tenant_name(name), *args, **kwargs)

    def path(self, name):
        return super().path(self._tenant_name(name))


class TenantFileSystemStorage(TenantPrefixMixin, FileSystemStorage):
    """Public media (logos, listing photos) on the local disk, served under MEDIA_URL."""


class TenantPrivateFileSystemStorage(TenantPrefixMixin, FileSystemStorage):
    """Private documents on the local disk; no URL: they are streamed by a signed view."""

    def url(self, name, *args, **kwargs):
        raise NotImplementedError("private files have no public URL; use a signed link")


class TenantS3Storage(TenantPrefixMixin, S3Storage):
    """Media or private documents in S3; private ones get short-lived presigned URLs."""

    def path(self, name):
        raise NotImplementedError("S3 objects have no local path")


def private_storage():
    """The storage for private documents (a callable, so settings are read lazily)."""
    from django.core.files.storage import storages

    return storages["private"]
