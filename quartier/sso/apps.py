"""TENANT: single sign-on: a marketplace's own OpenID Connect provider (issue 18, item 1).

The configuration lives in the tenant's schema, so one tenant's provider can never sign
anybody in on another tenant's host. The round trip itself is allauth's socialaccount
(openid_connect provider) with an adapter (quartier.sso.adapter) that builds the app
from this configuration per request.
"""

from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "quartier.sso"
    label = "sso"
    verbose_name = "Single sign-on"
