"""The ledger's invariants, held by the database itself.

- Every journal entry balances: its lines sum to zero per currency. A constraint trigger
  deferred to commit checks each entry touched, so lines can be inserted one by one.
- Posted entries and lines are never changed or deleted (corrections are new entries).

The check names the table through TG_TABLE_SCHEMA: a transaction may switch search_path
to another tenant before it commits, and the deferred check must read this tenant's rows.
"""

from django.db import migrations

INTEGRITY = """
CREATE OR REPLACE FUNCTION billing_entry_balanced() RETURNS trigger AS $$
DECLARE
    unbalanced record;
BEGIN
    EXECUTE format(
        'SELECT currency, SUM(amount_minor) AS total FROM %I.billing_ledgerline '
        'WHERE entry_id = $1 GROUP BY currency HAVING SUM(amount_minor) <> 0 LIMIT 1',
        TG_TABLE_SCHEMA)
    INTO unbalanced USING NEW.entry_id;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'journal entry % does not balance: % %',
            NEW.entry_id, unbalanced.total, unbalanced.currency
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER billing_ledgerline_balanced
    AFTER INSERT ON billing_ledgerline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION billing_entry_balanced();

CREATE OR REPLACE FUNCTION billing_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_ledgerline_append_only
    BEFORE UPDATE OR DELETE ON billing_ledgerline
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();
CREATE TRIGGER billing_journalentry_append_only
    BEFORE UPDATE OR DELETE ON billing_journalentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();
CREATE TRIGGER billing_ledgerline_no_truncate
    BEFORE TRUNCATE ON billing_ledgerline
    FOR EACH STATEMENT EXECUTE FUNCTION billing_ledger_append_only();
CREATE TRIGGER billing_journalentry_no_truncate
    BEFORE TRUNCATE ON billing_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION billing_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_journalentry_no_truncate ON billing_journalentry;
DROP TRIGGER IF EXISTS billing_ledgerline_no_truncate ON billing_ledgerline;
DROP TRIGGER IF EXISTS billing_journalentry_append_only ON billing_journalentry;
DROP TRIGGER IF EXISTS billing_ledgerline_append_only ON billing_ledgerline;
DROP FUNCTION IF EXISTS billing_ledger_append_only();
DROP TRIGGER IF EXISTS billing_ledgerline_balanced ON billing_ledgerline;
DROP FUNCTION IF EXISTS billing_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(INTEGRITY, DROP)]
