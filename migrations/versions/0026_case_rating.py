"""好差评 of cases (case_rating): the applicant's five-level rating on GB/T 39734's indicators,
once per case, linked to the rectification task a poor rating opens.

Revision ID: 0026_case_rating
Revises: 0025_cases
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_case_rating"
down_revision = "0025_cases"
branch_labels = None
depends_on = None

INDICATORS = ("overall", "efficiency", "guide_accuracy", "convenience", "usability")


def upgrade():
    op.create_table(
        "case_rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("service_case.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *[sa.Column(name, sa.String(24), nullable=False) for name in INDICATORS],
        sa.Column("comment", sa.Text()),
        sa.Column("rated_at", sa.DateTime(), nullable=False),
        sa.Column(
            "task_id",
            sa.Integer(),
            sa.ForeignKey("rectification_task.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.UniqueConstraint("case_id", name="uq_case_rating_case_id"),
    )


def downgrade():
    op.drop_table("case_rating")
