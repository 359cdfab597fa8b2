"""Campaign board: reminders sent to late departments.

Revision ID: 0007_board
Revises: 0006_publication
Create Date: 2026-11-23 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_board"
down_revision = "0006_publication"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("phase_kind", sa.String(length=16), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=True),
        sa.Column("email_status", sa.String(length=16), nullable=False),
        sa.Column("email_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["ab_user.id"],
        ),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_department_id"), ["department_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_department_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_created_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_campaign_id"))

    op.drop_table("reminder")
