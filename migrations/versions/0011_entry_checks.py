"""Checks of live items' online entries (one row per item), and the ledger task they open.

Revision ID: 0011_entry_checks
Revises: 0010_comment_hiding
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_entry_checks"
down_revision = "0010_comment_hiding"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entry_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["service_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["task_id"], ["rectification_task.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    op.create_index("ix_entry_check_outcome", "entry_check", ["outcome"])


def downgrade():
    op.drop_index("ix_entry_check_outcome", table_name="entry_check")
    op.drop_table("entry_check")
