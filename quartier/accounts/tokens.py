"""One-time tokens (activation, password reset) bound to the tenant that issued them.

User ids repeat across tenant schemas (every tenant has a user 1), so the token hash
includes the schema: a link issued by tenant A never validates on tenant B.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection


class TenantTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "quartier.accounts.tokens.TenantTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"


tenant_token_generator = TenantTokenGenerator()
