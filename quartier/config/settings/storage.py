"""Files: local folders by default, S3 (django-storages) when S3_BUCKET is set.

Every stored name is prefixed with the tenant's schema (see quartier.platform.storage),
and private documents never get a public URL.
"""

from quartier.platform.env import REPOSITORY_ROOT, env_bool, env_int, env_str

MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(REPOSITORY_ROOT / ".data" / "media")
# Outside MEDIA_ROOT on purpose: nothing serves this folder.
PRIVATE_ROOT = env_str("PRIVATE_ROOT") or str(REPOSITORY_ROOT / ".data" / "private")

S3_BUCKET = env_str("S3_BUCKET")
S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET") or S3_BUCKET
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL") or None
S3_REGION = env_str("S3_REGION", "eu-central-2")
# Lifetime of a signed link to a private document.
PRIVATE_URL_SECONDS = env_int("PRIVATE_URL_SECONDS", 300)
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

_S3_COMMON = {
    "endpoint_url": S3_ENDPOINT_URL,
    "region_name": S3_REGION,
    "signature_version": "s3v4",
    "addressing_style": "path" if env_bool("S3_PATH_STYLE", bool(S3_ENDPOINT_URL)) else "auto",
    "file_overwrite": False,
}

if S3_BUCKET:
    _MEDIA = {
        "BACKEND": "quartier.platform.storage.TenantS3Storage",
        "OPTIONS": {
            **_S3_COMMON,
            "bucket_name": S3_BUCKET,
            "location": "media",
            "querystring_auth": False,
            "default_acl": None,
        },
    }
    _PRIVATE = {
        "BACKEND": "quartier.platform.storage.TenantS3Storage",
        "OPTIONS": {
            **_S3_COMMON,
            "bucket_name": S3_PRIVATE_BUCKET,
            "location": "private",
            "querystring_auth": True,
            "querystring_expire": PRIVATE_URL_SECONDS,
            "default_acl": "private",
        },
    }
else:
    _MEDIA = {
        "BACKEND": "quartier.platform.storage.TenantFileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
    _PRIVATE = {
        "BACKEND": "quartier.platform.storage.TenantPrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT},
    }

STORAGES = {
    "default": _MEDIA,
    "private": _PRIVATE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
