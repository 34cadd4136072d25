from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION marketplace_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER marketplace_auditentry_append_only
    BEFORE UPDATE OR DELETE ON marketplace_auditentry
    FOR EACH ROW EXECUTE FUNCTION marketplace_audit_append_only();
CREATE TRIGGER marketplace_auditentry_no_truncate
    BEFORE TRUNCATE ON marketplace_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION marketplace_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS marketplace_auditentry_no_truncate ON marketplace_auditentry;
DROP TRIGGER IF EXISTS marketplace_auditentry_append_only ON marketplace_auditentry;
DROP FUNCTION IF EXISTS marketplace_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_audit_entries")]

    operations = [migrations.RunSQL(APPEND_ONLY, DROP)]
