"""A covering index for the live items each system hosts (the capability map and the findings
count them per system without reading the wide item rows).

Revision ID: 0024_hosted_index
Revises: 0023_sheets1
Create Date: 2026-12-08 00:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0024_hosted_index"
down_revision = "0023_sheets1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_service_item_hosted", "service_item", ["hosting_system_id", "lifecycle"])


def downgrade():
    op.drop_index("ix_service_item_hosted", table_name="service_item")
