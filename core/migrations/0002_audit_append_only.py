"""On PostgreSQL the database itself keeps the audit log append-only: a trigger refuses every UPDATE,
and every DELETE of a row younger than the retention floor (180 days: 等保 2.0 asks for at least six
months). Only ``manage.py audit_prune`` deletes, and only older rows. SQLite (the embedded default)
relies on ``AuditLog.save`` refusing updates."""
from django.db import migrations

RETENTION_FLOOR_DAYS = 180

CREATE = f"""
CREATE OR REPLACE FUNCTION core_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'core_auditlog is append-only: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.at > now() - interval '{RETENTION_FLOOR_DAYS} days' THEN
        RAISE EXCEPTION 'core_auditlog keeps rows for {RETENTION_FLOOR_DAYS} days: DELETE of row % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;
CREATE TRIGGER core_auditlog_append_only BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION core_auditlog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;
DROP FUNCTION IF EXISTS core_auditlog_append_only();
"""


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP))]
