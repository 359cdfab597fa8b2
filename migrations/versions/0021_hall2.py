"""The 校长办公会's final review of the three lists and the rectification ledger (issue 12).

Revision ID: 0021_hall2
Revises: 0020_guides2
Create Date: 2026-12-07 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_hall2"
down_revision = "0020_guides2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "final_review",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("publication_id", sa.Integer(), sa.ForeignKey("publication.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ledger_total", sa.Integer(), nullable=False),
        sa.Column("ledger_open", sa.Integer(), nullable=False),
        sa.Column("ledger", sa.Text(), nullable=False),
        sa.Column("ledger_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.Column("submitted_by_name", sa.String(128), nullable=False),
        sa.Column("meeting_date", sa.Date()),
        sa.Column("minute_no", sa.String(64)),
        sa.Column("decision_comment", sa.Text()),
        sa.Column("attachment_name", sa.String(255)),
        sa.Column("attachment_type", sa.String(100)),
        sa.Column("attachment", sa.LargeBinary()),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("ab_user.id")),
        sa.Column("recorded_by_name", sa.String(128)),
    )
    op.create_index("ix_final_review_publication_id", "final_review", ["publication_id"])


def downgrade():
    op.drop_index("ix_final_review_publication_id", table_name="final_review")
    op.drop_table("final_review")
