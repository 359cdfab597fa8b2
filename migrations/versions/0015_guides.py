"""Real service guides: GB/T 39554 time limits, audiences from the reference list with a free
remainder, materials' forms as a set with their source, copies unknown when blank, and a
system's go-live date with its precision (a year, a month or a day).

Existing limits in working days get words ("5个工作日", "即办件" for 0) so nothing is lost;
the audience 学生 becomes 本科生 and 研究生.

Revision ID: 0015_guides
Revises: 0014_perf
Create Date: 2026-12-07 13:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_guides"
down_revision = "0014_perf"
branch_labels = None
depends_on = None

LIMIT_COLUMNS = ("_low", "_high", "_unit")


def _limit_columns(words, prefix):
    """The words of a limit and what they say: low, high, unit."""
    return [
        sa.Column(words, sa.String(length=255), nullable=True),
        sa.Column(prefix + "_low", sa.Integer(), nullable=True),
        sa.Column(prefix + "_high", sa.Integer(), nullable=True),
        sa.Column(prefix + "_unit", sa.String(length=16), nullable=True),
    ]


def upgrade():
    with op.batch_alter_table("service_item", schema=None) as batch_op:
        batch_op.alter_column(
            "user_groups", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )
        batch_op.add_column(sa.Column("audience_note", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("handling_type", sa.String(length=16), nullable=True))
        for prefix in ("promised", "statutory"):
            for column in _limit_columns(prefix + "_limit", prefix):
                batch_op.add_column(column)
    with op.batch_alter_table("process_node", schema=None) as batch_op:
        for column in _limit_columns("time_limit", "time_limit"):
            batch_op.add_column(column)
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.alter_column(
            "form",
            existing_type=sa.String(length=16),
            type_=sa.String(length=64),
            nullable=True,
        )
        batch_op.add_column(sa.Column("source", sa.String(length=16), nullable=True))
    for table in ("information_system", "publication_item"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "user_groups", existing_type=sa.String(length=64), type_=sa.String(length=255)
            )
            if table == "information_system":
                batch_op.add_column(
                    sa.Column("go_live_precision", sa.String(length=8), nullable=True)
                )
    _carry_data()


def _carry_data():
    for table in ("service_item", "information_system"):
        op.execute(
            f"UPDATE {table} SET user_groups = REPLACE(user_groups, 'student', "
            "'undergraduate,graduate') WHERE user_groups LIKE '%student%'"
        )
    op.execute(
        "UPDATE service_item SET handling_type = 'immediate', promised_limit = '即办件', "
        "promised_low = 0, promised_high = 0 WHERE time_limit_days = 0"
    )
    op.execute(
        "UPDATE service_item SET handling_type = 'promised', "
        "promised_limit = CAST(time_limit_days AS VARCHAR(12)) || '个工作日', "
        "promised_low = time_limit_days, promised_high = time_limit_days, "
        "promised_unit = 'workday' WHERE time_limit_days > 0"
    )
    op.execute(
        "UPDATE process_node SET time_limit = CAST(time_limit_days AS VARCHAR(12)) || '个工作日', "
        "time_limit_low = time_limit_days, time_limit_high = time_limit_days, "
        "time_limit_unit = 'workday' WHERE time_limit_days > 0"
    )
    op.execute(
        "UPDATE process_node SET time_limit = '即办', time_limit_low = 0, time_limit_high = 0 "
        "WHERE time_limit_days = 0"
    )


def downgrade():
    op.execute("UPDATE material SET form = 'electronic' WHERE form IS NULL")
    op.execute(
        "UPDATE material SET form = substr(form, 1, instr(form, ',') - 1) WHERE form LIKE '%,%'"
        if op.get_bind().dialect.name == "sqlite"
        else "UPDATE material SET form = split_part(form, ',', 1) WHERE form LIKE '%,%'"
    )
    with op.batch_alter_table("material", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.alter_column(
            "form",
            existing_type=sa.String(length=64),
            type_=sa.String(length=16),
            nullable=False,
        )
    with op.batch_alter_table("process_node", schema=None) as batch_op:
        for suffix in ("",) + LIMIT_COLUMNS:
            batch_op.drop_column("time_limit" + suffix)
    with op.batch_alter_table("service_item", schema=None) as batch_op:
        for prefix in ("promised", "statutory"):
            batch_op.drop_column(prefix + "_limit")
            for suffix in LIMIT_COLUMNS:
                batch_op.drop_column(prefix + suffix)
        batch_op.drop_column("handling_type")
        batch_op.drop_column("audience_note")
    with op.batch_alter_table("information_system", schema=None) as batch_op:
        batch_op.drop_column("go_live_precision")
    for table in ("service_item", "information_system", "publication_item"):
        op.execute(
            f"UPDATE {table} SET user_groups = REPLACE(user_groups, 'undergraduate,graduate', "
            "'student') WHERE user_groups IS NOT NULL"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "user_groups", existing_type=sa.String(length=255), type_=sa.String(length=64)
            )
