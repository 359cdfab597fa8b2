"""Audit trail keyed with a secret outside the database: archive cuts, and purges allowed only
for archived entries.

Revision ID: 0008_audit_keyed
Revises: 0007_board
Create Date: 2026-12-07 10:00:00

Entries written before this revision keep their unkeyed SHA-256; `flask audit-verify` accepts
them as the chain's first part once a keyed entry follows (`flask audit-rekey` writes one).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_audit_keyed"
down_revision = "0007_board"
branch_labels = None
depends_on = None

ARCHIVED = "(SELECT coalesce(max(seq), 0) FROM audit_cut)"
SQLITE_NO_DELETE = f"""
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
WHEN OLD.seq > {ARCHIVED}
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END
"""
SQLITE_OLD_NO_DELETE = """
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END
"""
SQLITE_CUT = """
CREATE TRIGGER audit_cut_no_{op} BEFORE {OP} ON audit_cut
BEGIN SELECT RAISE(ABORT, 'audit_cut is append-only'); END
"""
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= {ARCHIVED} THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'audit_entry is append-only';
END;
$$ LANGUAGE plpgsql
"""
PG_OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END;
$$ LANGUAGE plpgsql
"""
PG_CUT_FUNCTION = """
CREATE FUNCTION audit_cut_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit_cut is append-only'; END;
$$ LANGUAGE plpgsql
"""


def upgrade():
    op.create_table(
        "audit_cut",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("chain", sa.String(length=64), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_hmac", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seq"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_CUT_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_cut_append_only BEFORE UPDATE OR DELETE ON audit_cut "
            "FOR EACH ROW EXECUTE FUNCTION audit_cut_append_only()"
        )
    else:
        op.execute("DROP TRIGGER audit_entry_no_delete")
        op.execute(SQLITE_NO_DELETE)
        for name in ("update", "delete"):
            op.execute(SQLITE_CUT.format(op=name, OP=name.upper()))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_cut_append_only ON audit_cut")
        op.execute("DROP FUNCTION audit_cut_append_only()")
        op.execute(PG_OLD_FUNCTION)
    else:
        op.execute("DROP TRIGGER audit_entry_no_delete")
        op.execute(SQLITE_OLD_NO_DELETE)
    op.drop_table("audit_cut")
