"""Rectification ledger: the source key that keeps one task per source record and kind.

Revision ID: 0005_ledger
Revises: 0004_stats
Create Date: 2026-11-23 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_ledger"
down_revision = "0004_stats"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rectification_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_rectification_task_source_key", ["source_key"])


def downgrade():
    with op.batch_alter_table("rectification_task", schema=None) as batch_op:
        batch_op.drop_constraint("uq_rectification_task_source_key", type_="unique")
        batch_op.drop_column("source_key")
