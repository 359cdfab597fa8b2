"""Statistics: the data-version stamp that keys the chart cache, and the dashboard's indexes.

Revision ID: 0004_stats
Revises: 0003
Create Date: 2026-11-23 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_stats"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table(
        "data_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.bulk_insert(stamp, [{"id": 1, "name": "statistics", "counter": 0}])
    with op.batch_alter_table("service_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_service_item_department_running", ["department_id", "running_status"], unique=False
        )
        batch_op.create_index(
            "ix_service_item_time_limit", ["id", "department_id", "time_limit_days"], unique=False
        )
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_decision_record",
            ["record_type", "record_id", "submitted_at", "signed_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.drop_index("ix_review_decision_record")
    with op.batch_alter_table("service_item", schema=None) as batch_op:
        batch_op.drop_index("ix_service_item_time_limit")
        batch_op.drop_index("ix_service_item_department_running")
    op.drop_table("data_stamp")
