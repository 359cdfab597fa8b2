"""Public search on a narrow, normalised table (FTS5 trigram on SQLite, pg_trgm on PostgreSQL);
a covering index for the board's counts per department, with each item's stored completeness.

Revision ID: 0014_perf
Revises: 0013_findings
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_perf"
down_revision = "0013_findings"
branch_labels = None
depends_on = None

SEPARATOR = "\x1f"  # app.models.publication.SEARCH_SEPARATOR at the time of this migration

FTS_TRIGGERS = (
    """CREATE TRIGGER publication_search_ai AFTER INSERT ON publication_search BEGIN
        INSERT INTO publication_search_fts(rowid, body) VALUES (new.id, new.body);
    END""",
    """CREATE TRIGGER publication_search_ad AFTER DELETE ON publication_search BEGIN
        INSERT INTO publication_search_fts(publication_search_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
    END""",
    """CREATE TRIGGER publication_search_au AFTER UPDATE ON publication_search BEGIN
        INSERT INTO publication_search_fts(publication_search_fts, rowid, body)
        VALUES ('delete', old.id, old.body);
        INSERT INTO publication_search_fts(rowid, body) VALUES (new.id, new.body);
    END""",
)


def _backfill(bind):
    items = sa.table(
        "publication_item",
        sa.column("id"),
        sa.column("publication_id"),
        sa.column("department_id"),
        sa.column("department_name"),
        sa.column("code"),
        sa.column("user_groups"),
        sa.column("name"),
        sa.column("materials_text"),
    )
    search = sa.table(
        "publication_search",
        sa.column("id"),
        sa.column("publication_id"),
        sa.column("department_id"),
        sa.column("department_name"),
        sa.column("code"),
        sa.column("user_groups"),
        sa.column("body"),
    )
    rows = [
        {
            "id": r.id,
            "publication_id": r.publication_id,
            "department_id": r.department_id,
            "department_name": r.department_name or "",
            "code": r.code,
            "user_groups": r.user_groups,
            "body": SEPARATOR.join(
                (r.name or "", r.department_name or "", r.materials_text or "")
            ).lower(),
        }
        for r in bind.execute(sa.select(items))
    ]
    if rows:
        bind.execute(sa.insert(search), rows)


def upgrade():
    op.create_table(
        "publication_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_groups", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["id"], ["publication_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_publication_search_order",
        "publication_search",
        ["publication_id", "department_name", "code"],
    )
    # NULL until the first commit that writes an item computes it (the board meanwhile
    # evaluates the rule itself).
    with op.batch_alter_table("service_item") as batch_op:
        batch_op.add_column(sa.Column("incomplete", sa.Boolean(), nullable=True))
    op.create_index(
        "ix_service_item_board",
        "service_item",
        ["department_id", "status", "lifecycle", "running_status", "incomplete", "code"],
    )
    op.create_index("ix_service_item_incomplete", "service_item", ["incomplete"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE publication_search_fts USING fts5("
            "body, content='publication_search', content_rowid='id', tokenize='trigram')"
        )
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
    else:
        # Trigrams of Chinese text need a UTF-8 LC_CTYPE (with C, show_trgm gives none).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX ix_publication_search_trgm ON publication_search "
            "USING gin (body gin_trgm_ops)"
        )
    _backfill(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("publication_search_ai", "publication_search_ad", "publication_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS publication_search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_publication_search_trgm")
    op.drop_index("ix_service_item_incomplete", table_name="service_item")
    op.drop_index("ix_service_item_board", table_name="service_item")
    with op.batch_alter_table("service_item") as batch_op:
        batch_op.drop_column("incomplete")
    op.drop_index("ix_publication_search_order", table_name="publication_search")
    op.drop_table("publication_search")
