"""The audit log append-only in the database too: triggers refuse UPDATE and DELETE of its rows,
so not even a raw SQL statement (or a bug elsewhere in the application) rewrites history."""

from django.db import migrations

TABLE = "audit_auditentry"
MESSAGE = "the audit log is append-only"

SQLITE = [f"""CREATE TRIGGER IF NOT EXISTS audit_no_{verb.lower()} BEFORE {verb} ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""" for verb in ("UPDATE", "DELETE")]
SQLITE_UNDO = [f"DROP TRIGGER IF EXISTS audit_no_{verb};" for verb in ("update", "delete")]
POSTGRES = [f"""CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION audit_append_only();"""]
POSTGRES_UNDO = [f"DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};",
                 "DROP FUNCTION IF EXISTS audit_append_only();"]
MYSQL = [f"""CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON {TABLE} FOR EACH ROW
SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = '{MESSAGE}';""" for verb in ("UPDATE", "DELETE")]
MYSQL_UNDO = SQLITE_UNDO
STATEMENTS = {"sqlite": (SQLITE, SQLITE_UNDO), "postgresql": (POSTGRES, POSTGRES_UNDO),
              "mysql": (MYSQL, MYSQL_UNDO)}


def _run(schema_editor: object, index: int) -> None:
    vendor = schema_editor.connection.vendor  # type: ignore[attr-defined]
    for statement in STATEMENTS.get(vendor, ([], []))[index]:
        schema_editor.execute(statement)  # type: ignore[attr-defined]


def forwards(apps: object, schema_editor: object) -> None:
    _run(schema_editor, 0)


def backwards(apps: object, schema_editor: object) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
