"""The audience reference list (服务对象) as data the IT office maintains: one row per audience
with its stable code, label and synonyms, seeded with the list the console had built in, so that
every code already stored on items and systems keeps its meaning.

Revision ID: 0020_guides2
Revises: 0019_cas
Create Date: 2026-12-07 17:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_guides2"
down_revision = "0019_cas"
branch_labels = None
depends_on = None

# The list as it stood in app.models.choices (USER_GROUP, AUDIENCE_SYNONYMS) at this revision:
# code, label, synonyms ("学生" names both 本科生 and 研究生, so it is under both).
SEED = (
    ("staff", "教职工", "教工、教师、职工、在职教职工、全校教职工、教职员工、老师、师生、全校师生"),
    (
        "undergraduate",
        "本科生",
        "学生、在校学生、在校生、全日制学生、师生、全校师生、本科学生、全日制本科生",
    ),
    (
        "graduate",
        "研究生",
        "学生、在校学生、在校生、全日制学生、师生、全校师生、硕士研究生、博士研究生",
    ),
    ("international", "留学生", "国际学生、来华留学生"),
    ("postdoc", "博士后", "博士后研究人员"),
    ("retiree", "离退休人员", "退休人员、离退休教职工"),
    ("alumni", "校友", "毕业生、已毕业学生"),
    ("external", "校外人员", "社会人员、校外来访人员"),
    ("parent", "家长", "学生家长"),
)


def upgrade():
    table = op.create_table(
        "audience_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("synonyms", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("label"),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {
                "code": code,
                "label": label,
                "synonyms": synonyms,
                "sort_order": (number + 1) * 10,
                "active": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for number, (code, label, synonyms) in enumerate(SEED)
        ],
    )


def downgrade():
    op.drop_table("audience_group")
