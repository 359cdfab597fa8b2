"""Governance findings: the capability list and systems' capabilities, rule settings, dismissals.

Revision ID: 0013_findings
Revises: 0012_auth
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_findings"
# Chained after the entry checks already on main so the branch has one head (the merger may
# re-chain it).
down_revision = "0012_auth"
branch_labels = None
depends_on = None


def _versioned():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def upgrade():
    op.create_table(
        "capability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "system_capability",
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("capability_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["system_id"], ["information_system.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["capability_id"], ["capability.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("system_id", "capability_id"),
    )
    op.create_index("ix_system_capability_capability_id", "system_capability", ["capability_id"])
    op.create_table(
        "finding_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("params", sa.Text(), nullable=True),
        *_versioned(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule"),
    )
    op.create_table(
        "finding_dismissal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=True),
        sa.Column("dismissed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("finding_key"),
    )
    op.create_index("ix_finding_dismissal_department_id", "finding_dismissal", ["department_id"])


def downgrade():
    op.drop_index("ix_finding_dismissal_department_id", table_name="finding_dismissal")
    op.drop_table("finding_dismissal")
    op.drop_table("finding_setting")
    op.drop_index("ix_system_capability_capability_id", table_name="system_capability")
    op.drop_table("system_capability")
    op.drop_table("capability")
