ISSUER_NOT_ALLOWED = "sso_issuer_not_allowed"
SSO_INCOMPLETE = "sso_incomplete"
DISCOVERY_FAILED = "sso_discovery_failed"
