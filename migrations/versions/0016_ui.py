"""One source of truth for an item's place on the service hall: a 待改进 item (system built,
not yet in use) no longer reads 已上线 but awaits the department's acceptance, and a 待部署
item that never went online is planned.

Revision ID: 0016_ui
Revises: 0015_guides
Create Date: 2026-12-07 13:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_ui"
down_revision = "0015_guides"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE service_item SET lifecycle = 'acceptance' "
        "WHERE lifecycle = 'online' AND running_status = 'improve'"
    )
    op.execute(
        "UPDATE service_item SET lifecycle = 'planned' "
        "WHERE lifecycle = 'online' AND running_status = 'deploy'"
    )


def downgrade():
    # The earlier rule put every surveyed item that was not 待部署 online.
    op.execute(
        "UPDATE service_item SET lifecycle = 'online' "
        "WHERE lifecycle = 'acceptance' AND running_status = 'improve'"
    )
