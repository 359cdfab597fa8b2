"""CAS logins: the ticket digest of each console session opened through CAS (single logout).

Revision ID: 0019_cas
Revises: 0018_api
Create Date: 2026-12-07 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_cas"
down_revision = "0018_api"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cas_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_digest"),
    )
    op.create_index("ix_cas_login_user_id", "cas_login", ["user_id"])


def downgrade():
    op.drop_index("ix_cas_login_user_id", table_name="cas_login")
    op.drop_table("cas_login")
