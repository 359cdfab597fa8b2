"""Demo college generator: `flask seed-demo [--items N]` and `seed_demo()`.

Builds a Chinese vocational college from the seed documents' context: 30 departments with their
contacts (attachment 1), service items with materials and process nodes (attachments 2 and 3),
management information systems (attachment 4), the current year's campaign with the notice's
phases, a handful of rectification tasks, and one demo user per role.

Deterministic: each record's content comes from a `random.Random` seeded with the record's own
key, so a record looks the same whatever N is. Records are matched by natural keys (department,
item and system codes, contact department + name, username, campaign year, task department +
title): a second run adds nothing, a bigger N adds only what is missing.

Scaling: departments stay at 30 whatever N (a bigger college has more processes per department,
not more offices); the catalogue of 304 processes repeats with a campus or programme qualifier
beyond its size; systems grow as max(60, N // 50) and rectification tasks with them.

Records follow the review workflow: incomplete ones stay drafts, complete ones are drafts,
submitted, returned or approved, and every approved or returned one carries its signed
`ReviewDecision` (signed by demo_reviewer), approved ones their `RecordVersion` 1, both built
with the workflow's own snapshot and signature functions.

Speed: rows are plain dicts inserted with Core executemany in batches (INSERT ... RETURNING where
ids are needed, so PostgreSQL's sequences stay in step); no ORM object per row. Core inserts fire
no ORM events, so the audit trail gets one summary entry for them; departments, users and the
campaign go through the ORM and are audited one by one.

Layout: `rows` (the row helpers every step uses), `reviews` (workflow columns, signed
decisions and versions), then one module per step: `people` (departments, users, contacts),
`systems`, `items` (service items with materials and nodes), `tasks` (rectification tasks
and the campaign), `findings` (the capability list and the planted governance findings);
the tables they read are in `app.services.demo.data`.
"""

from collections.abc import Callable

from flask_babel import gettext as _

from app.extensions import appbuilder, db
from app.models.base import utcnow
from app.security.roles import install_roles
from app.services.demo.data import systems as system_data
from app.services.demo.entries import seed_entry_checks
from app.services.demo.findings import seed_findings
from app.services.demo.hall import seed_hall
from app.services.demo.items import seed_items
from app.services.demo.people import seed_contacts, seed_departments, seed_users
from app.services.demo.rows import Context
from app.services.demo.systems import seed_systems
from app.services.demo.tasks import seed_campaign, seed_tasks
from app.services.trail import audit

DEFAULT_ITEMS = 300
MAX_ITEMS = 1_000_000

COUNT_KEYS = (
    "departments",
    "users",
    "contacts",
    "systems",
    "items",
    "materials",
    "nodes",
    "decisions",
    "versions",
    "tasks",
    "campaigns",
)


# --- entry points -------------------------------------------------------------------------------


def parse_item_count(value: object) -> int:
    """The number of service items asked for, or ValueError with a message in Chinese."""
    try:
        count = int(str(value).strip())
    except ValueError:
        message = _("服务事项数量必须是整数，收到的是“{value}”。")
        raise ValueError(message.format(value=value)) from None
    if not 0 <= count <= MAX_ITEMS:
        raise ValueError(
            _("服务事项数量必须在 0 到 {most} 之间，收到的是 {value}。").format(
                most=MAX_ITEMS, value=count
            )
        )
    return count


def seed_demo(
    commit: Callable[[], None],
    items: int | str = DEFAULT_ITEMS,
    echo: Callable[[str], object] = print,
) -> dict[str, int]:
    """Build (or complete) the demo college with `items` service items; returns what was added.

    The caller (`flask seed-demo`, a benchmark) passes `commit`, since services never commit on
    their own. It is called twice: after roles, departments and users, so that each new user's
    password is echoed only once it is stored; then after everything else, in one transaction.
    """
    items = parse_item_count(items)
    session = db.session
    counts = dict.fromkeys(COUNT_KEYS, 0)
    try:
        ctx = _seed_people(session, counts, echo, commit)
        _seed_records(session, ctx, items, counts)
        _audit_summary(session, counts)
        commit()
    except Exception:
        session.rollback()
        raise
    echo(summary(counts))
    if not any(counts.values()):
        echo(_("演示数据已齐全，本次没有新增内容。"))
    return counts


def summary(counts: dict[str, int]) -> str:
    """One line in Chinese saying what a run added."""
    return _(
        "新增 部门 {departments}，用户 {users}，联系人 {contacts}，信息系统 {systems}，"
        "服务事项 {items}，申报材料 {materials}，流转环节 {nodes}，审核记录 {decisions}，"
        "通过版本 {versions}，整改任务 {tasks}，工作安排 {campaigns}。"
    ).format(**counts)


def system_count(items: int) -> int:
    """How many information systems go with `items` service items."""
    return max(len(system_data.SYSTEMS), items // 50)


# --- the two phases -----------------------------------------------------------------------------


def _seed_people(session, counts, echo, commit):
    """Roles, departments and demo users, committed; echoes each new user's password once."""
    install_roles(appbuilder)
    departments = seed_departments(session, counts)
    created = seed_users(departments, counts)
    commit()
    for spec, password in created:
        echo(
            _(
                "已创建演示用户 {username}（{role}），初始密码：{password} "
                "（只显示这一次，请妥善保存）"
            ).format(username=spec.username, role=spec.role, password=password)
        )
    return _context(departments)


def _seed_records(session, ctx, items, counts):
    """Contacts, systems, items, tasks and the campaign, in the open transaction."""
    seed_contacts(session, ctx, counts)
    systems = seed_systems(session, ctx, system_count(items), counts)
    seed_items(session, ctx, items, counts)
    seed_hall(session, ctx, counts)
    seed_entry_checks(session, ctx)
    seed_tasks(session, ctx, systems, counts)
    seed_findings(session)
    seed_campaign(session, ctx.now.year, counts)


def _context(departments):
    sm = appbuilder.sm
    contact = sm.find_user(username="demo_contact")
    return Context(
        now=utcnow().replace(microsecond=0),
        departments=departments,
        by_id={ref.id: ref for ref in departments.values()},
        reviewer=sm.find_user(username="demo_reviewer"),
        submitters={"JWC": contact.id} if contact else {},
    )


def _audit_summary(session, counts):
    """Bulk rows bypass the ORM's audit hook: one entry records what the generator added."""
    if any(counts.values()):
        audit.record_event(
            session,
            "create",
            record_type="seed_demo",
            summary=summary(counts),
            changes={key: [None, value] for key, value in counts.items() if value},
        )
