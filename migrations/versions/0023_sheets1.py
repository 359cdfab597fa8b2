"""What complete means as data (completeness_rule): one row per field a submission checks, with
its level (required, recommended, optional), seeded with the defaults of
`app.models.completeness_rule.RULES` at this revision. Items' stored completeness flags are
cleared, so that the next commit computes them by the new rules.

Revision ID: 0023_sheets1
Revises: 0022_calendar
Create Date: 2026-12-07 21:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_sheets1"
down_revision = "0022_calendar"
branch_labels = None
depends_on = None

ITEM = (
    ("conditions", "required"),
    ("path", "required"),
    ("consultation", "required"),
    ("promised_limit", "required"),
    ("service_hours", "recommended"),
    ("tips", "required"),
    ("nodes", "required"),
    ("materials", "recommended"),
    ("material_details", "required"),
    ("disposition", "required"),
    ("transformation_needs", "required"),
)
SYSTEM = tuple(
    (key, "required")
    for key in (
        "vendor",
        "go_live_date",
        "build_cost",
        "annual_om_cost",
        "user_groups",
        "daily_active_operations",
        "core_usage_rate",
        "deployment",
        "mobile_adaptation",
        "portal_integration",
        "problem_details",
    )
)
CONTACT = tuple((key, "required") for key in ("name", "phone", "post", "duty"))
SEED = (
    *(("service_item", key, level) for key, level in ITEM),
    *(("information_system", key, level) for key, level in SYSTEM),
    *(("contact", key, level) for key, level in CONTACT),
)


def upgrade():
    table = op.create_table(
        "completeness_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "level IN ('required', 'recommended', 'optional')", name="ck_completeness_rule_level"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subject", "field", name="uq_completeness_rule_field"),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {
                "subject": subject,
                "field": key,
                "level": level,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for subject, key, level in SEED
        ],
    )
    op.execute("UPDATE service_item SET incomplete = NULL")


def downgrade():
    op.drop_table("completeness_rule")
    op.execute("UPDATE service_item SET incomplete = NULL")
