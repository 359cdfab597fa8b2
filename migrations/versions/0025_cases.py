"""Cases (办件): an application for a live item (service_case), its node steps (case_task)
and its uploaded materials (case_file).

Revision ID: 0025_cases
Revises: 0024_hosted_index
Create Date: 2026-12-08 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025_cases"
down_revision = "0024_hosted_index"
branch_labels = None
depends_on = None


def _tracked():
    return [
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
    ]


def upgrade():
    op.create_table(
        "service_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("service_item.id", ondelete="RESTRICT"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "department_id",
            sa.Integer(),
            sa.ForeignKey("department.id"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "applicant_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=False, index=True
        ),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("conditions_confirmed", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("submitted_at", sa.DateTime(), index=True),
        sa.Column("due_at", sa.DateTime()),
        sa.Column("completed_at", sa.DateTime()),
        sa.Column("result", sa.Text()),
        sa.Column("return_comment", sa.Text()),
        sa.Column("definition_version", sa.Integer()),
        sa.Column("workflow_state", sa.Text()),
        *_tracked(),
    )
    op.create_table(
        "case_task",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("service_case.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "node_id",
            sa.Integer(),
            sa.ForeignKey("process_node.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("node_name", sa.String(120), nullable=False),
        sa.Column("handler_id", sa.Integer(), sa.ForeignKey("ab_user.id"), index=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime()),
        sa.Column("acted_at", sa.DateTime()),
        sa.Column("decision", sa.String(16)),
        sa.Column("comment", sa.Text()),
        sa.Column("signer_name", sa.String(128)),
        sa.Column("signature_hash", sa.String(64)),
        *_tracked(),
    )
    op.create_table(
        "case_file",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "case_id",
            sa.Integer(),
            sa.ForeignKey("service_case.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "material_id",
            sa.Integer(),
            sa.ForeignKey("material.id", ondelete="SET NULL"),
            index=True,
        ),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_as", sa.String(255), nullable=False),
        *_tracked(),
    )


def downgrade():
    op.drop_table("case_file")
    op.drop_table("case_task")
    op.drop_table("service_case")
