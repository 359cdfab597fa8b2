"""Public comments the office hides: when, by whom and why.

Revision ID: 0010_comment_hiding
Revises: 0009_password_history
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_comment_hiding"
down_revision = "0009_password_history"
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite rebuilds the table to add the foreign key; PostgreSQL alters it.
    with op.batch_alter_table("public_comment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("hidden_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            "fk_public_comment_hidden_by_id_ab_user", "ab_user", ["hidden_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("public_comment", schema=None) as batch_op:
        batch_op.drop_constraint("fk_public_comment_hidden_by_id_ab_user", type_="foreignkey")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_by_id")
        batch_op.drop_column("hidden_at")
