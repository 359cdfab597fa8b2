"""The official calendar's days the IT office enters (法定节假日与调休上班, issue 13).

Revision ID: 0022_calendar
Revises: 0021_hall2
Create Date: 2026-12-07 21:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_calendar"
down_revision = "0021_hall2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_day",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.UniqueConstraint("day"),
    )


def downgrade():
    op.drop_table("calendar_day")
