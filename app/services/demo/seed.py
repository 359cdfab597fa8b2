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
"""

import inspect
import random
import secrets
import string
import time
import types
from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import islice

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.extensions import appbuilder, db
from app.models import (
    Campaign,
    CampaignPhase,
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RecordVersion,
    RectificationTask,
    ReviewDecision,
    ServiceItem,
)
from app.models.base import utcnow
from app.security.roles import (
    AUDIT_ADMIN,
    CONTACT,
    IT_ADMIN,
    LEADER,
    REVIEWER,
    SECURITY_ADMIN,
    install_roles,
)
from app.services.catalog import completeness
from app.services.demo import data
from app.services.ledger.rectification import source_key
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name
from app.services.trail.snapshot import canonical_json, snapshot, snapshot_hash

SEED = "demo-college"
DEFAULT_ITEMS = 300
MAX_ITEMS = 1_000_000
BATCH = 5000
EMAIL_DOMAIN = "demo.edu.cn"

# (codes, weights) tables drawn with _pick.
RUNNING_STATUS = (("good", "improve", "deploy"), (60, 20, 20))
REVIEW_STATUS = (("approved", "submitted", "returned", "draft"), (60, 15, 8, 17))
MOBILE = (("none", "partial", "full"), (30, 35, 35))
PORTAL = (("none", "sso", "full"), (25, 40, 35))
TASK_STATUS = (("open", "in_progress", "done", "postponed"), (35, 35, 20, 10))
PROBLEM_RATES = {
    "data_silo": 0.35,
    "feature_gap": 0.3,
    "poor_extensibility": 0.25,
    "security_risk": 0.12,
}
INCOMPLETE_ITEMS = 0.15  # share of items with one to three of the six modules left blank
INCOMPLETE_SYSTEMS = 0.08
MODULE_KEYS = tuple(key for key, _label in completeness.ITEM_MODULES)
WORKFLOW_COLUMNS = (
    "status",
    "submitted_at",
    "submitted_by_id",
    "decided_at",
    "decided_by_id",
    "review_comment",
    "approved_version_no",
)
DECIDED = {"approved": "approved", "returned": "returned"}  # status -> decision

# Process nodes: working days each kind takes, and who countersigns or receives transfers.
NODE_DAYS = {
    "submit": (0, 0),
    "review": (1, 2),
    "approve": (1, 3),
    "countersign": (2, 3),
    "transfer": (1, 2),
    "complete": (1, 1),
}
LEVELLED = ("review", "approve", "countersign")
CO_SIGNERS = ("CWC", "RSC", "GZC", "DZB", "BWC", "HQGLC", "JWC", "XSC", "XXZX")
HEAD_POSTS = {"functional": "处长", "school": "院长", "unit": "主任"}
COMPLETE_NAMES = ("办结归档", "办结并反馈结果", "办结（可打印结果单）")
CONTACT_DUTIES = {
    "both": ((True, True),),
    "split": ((True, False), (False, True)),
    "processes_only": ((True, False),),
    "systems_only": ((False, True),),
    "none": (),
}

DemoUser = namedtuple("DemoUser", "username role department first_name")
DEMO_USERS = (
    DemoUser("demo_contact", CONTACT, "JWC", "联系人"),
    DemoUser("demo_reviewer", REVIEWER, "DZB", "审核员"),
    DemoUser("demo_itadmin", IT_ADMIN, "XXZX", "管理员"),
    DemoUser("demo_leader", LEADER, None, "校领导"),
    DemoUser("demo_security", SECURITY_ADMIN, "XXZX", "安全管理员"),
    DemoUser("demo_auditor", AUDIT_ADMIN, "XXZX", "审计管理员"),
)
DEMO_LAST_NAME = "演示"
PASSWORD_LENGTH = 16
PASSWORD_CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+?")

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

DeptRef = namedtuple("DeptRef", "id code name kind posts phone office")
SysRef = namedtuple("SysRef", "id code name url department")
Entry = namedtuple("Entry", "index department process code")
ItemBundle = namedtuple("ItemBundle", "row materials nodes")


@dataclass
class Context:
    """What every builder needs: the time, the departments, the systems, the demo people."""

    now: datetime
    departments: dict  # code -> DeptRef
    by_id: dict  # department id -> DeptRef
    systems: dict = None  # id -> SysRef of the base catalogue (the systems items run on)
    hosts: dict = None  # department code -> the SysRefs its items may run on
    reviewer: object = None  # the ConsoleUser who signs decisions
    submitters: dict = None  # department code -> user id of its demo contact


# --- entry points -------------------------------------------------------------------------------


@click.command(
    "seed-demo",
    help="生成演示学院：部门、联系人、服务事项、信息系统、工作安排、"
    "整改任务和各角色演示用户。可重复执行，已有数据不会重复添加。",
)
@click.option(
    "--items",
    default=str(DEFAULT_ITEMS),
    show_default=True,
    metavar="N",
    help="服务事项数量（0 到 1000000），用于性能测试时可设为 100000。",
)
@with_appcontext
def seed_demo_command(items):
    """Build the demo college; --items scales the service items (and systems) for benchmarks."""
    try:
        count = parse_item_count(items)
    except ValueError as error:
        click.echo(str(error), err=True)
        raise click.exceptions.Exit(2) from error
    started = time.perf_counter()
    seed_demo(count, echo=click.echo)
    click.echo(_("用时 {seconds} 秒。").format(seconds=f"{time.perf_counter() - started:.1f}"))


def parse_item_count(value):
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


def seed_demo(items=DEFAULT_ITEMS, echo=print):
    """Build (or complete) the demo college with `items` service items; returns what was added.

    Roles, departments and users are committed first, and each new user's password is echoed
    once; everything else goes in one transaction committed at the end.
    """
    items = parse_item_count(items)
    session = db.session
    counts = dict.fromkeys(COUNT_KEYS, 0)
    try:
        ctx = _seed_people(session, counts, echo)
        _seed_records(session, ctx, items, counts)
        _audit_summary(session, counts)
        session.commit()
    except Exception:
        session.rollback()
        raise
    echo(summary(counts))
    if not any(counts.values()):
        echo(_("演示数据已齐全，本次没有新增内容。"))
    return counts


def summary(counts):
    """One line in Chinese saying what a run added."""
    return _(
        "新增 部门 {departments}，用户 {users}，联系人 {contacts}，信息系统 {systems}，"
        "服务事项 {items}，申报材料 {materials}，流转环节 {nodes}，审核记录 {decisions}，"
        "通过版本 {versions}，整改任务 {tasks}，工作安排 {campaigns}。"
    ).format(**counts)


def strong_password(length=PASSWORD_LENGTH):
    """A random password with upper and lower case letters, digits and symbols."""
    chars = [secrets.choice(group) for group in PASSWORD_CLASSES]
    alphabet = "".join(PASSWORD_CLASSES)
    chars += [secrets.choice(alphabet) for _i in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def system_count(items):
    """How many information systems go with `items` service items."""
    return max(len(data.SYSTEMS), items // 50)


# --- the two phases -----------------------------------------------------------------------------


def _seed_people(session, counts, echo):
    """Roles, departments and demo users, committed; echoes each new user's password once."""
    install_roles(appbuilder)
    departments = _seed_departments(session, counts)
    created = _seed_users(departments, counts)
    session.commit()
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
    _seed_contacts(session, ctx, counts)
    systems = _seed_systems(session, ctx, system_count(items), counts)
    _seed_items(session, ctx, items, counts)
    _seed_tasks(session, ctx, systems, counts)
    _seed_campaign(session, ctx.now.year, counts)


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


# --- departments and users ----------------------------------------------------------------------


def _seed_departments(session, counts):
    """The 30 departments, matched by code (or by name, which is unique too)."""
    rows = session.scalars(select(Department)).all()
    by_code = {row.code: row for row in rows}
    by_name = {row.name: row for row in rows}
    found = []
    for order, spec in enumerate(data.DEPARTMENTS, 1):
        phone, office = _department_profile(spec)
        row = by_code.get(spec.code) or by_name.get(spec.name)
        if row is None:
            row = Department(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                phone=phone,
                leader_in_charge=data.LEADERS[order % len(data.LEADERS)],
                sort_order=order,
            )
            session.add(row)
            counts["departments"] += 1
        found.append((spec, row, office))
    session.flush()
    return {
        spec.code: DeptRef(
            row.id,
            spec.code,
            row.name,
            spec.kind,
            spec.posts,
            row.phone or _department_profile(spec)[0],
            office,
        )
        for spec, row, office in found
    }


def _department_profile(spec):
    rng = _rng("department", spec.code)
    phone = f"0816-{rng.randint(2200000, 2299999)}"
    office = f"{rng.choice(data.BUILDINGS)}{rng.randint(1, 5)}{rng.randint(1, 20):02d}室"
    return phone, office


def _seed_users(departments, counts):
    """One demo user per role; returns [(spec, password)] of those created now."""
    sm = appbuilder.sm
    created = []
    for spec in DEMO_USERS:
        if sm.find_user(username=spec.username):
            continue
        password = strong_password()
        user = sm.add_user(
            spec.username,
            spec.first_name,
            DEMO_LAST_NAME,
            f"{spec.username}@{EMAIL_DOMAIN}",
            sm.find_role(spec.role),
            password=password,
            commit=False,
        )
        if not user:
            raise RuntimeError(_("无法创建演示用户 {username}。").format(username=spec.username))
        user.department_id = departments[spec.department].id if spec.department else None
        user.source = "local"
        created.append((spec, password))
    counts["users"] = len(created)
    return created


# --- contacts -----------------------------------------------------------------------------------


def _seed_contacts(session, ctx, counts):
    existing = set(session.execute(select(Contact.department_id, Contact.name)).all())
    rows = [
        row
        for dept in ctx.departments.values()
        for row in _contact_rows(dept, ctx)
        if (row["department_id"], row["name"]) not in existing
    ]
    ids = _insert_returning(session, Contact, rows, "department_id", "name")
    counts["contacts"] += len(rows)
    reviewed = [
        (
            ids[(row["department_id"], row["name"])],
            row,
            _Draft(Contact, row, department=ctx.by_id[row["department_id"]]),
        )
        for row in rows
    ]
    _write_reviews(session, "contact", reviewed, ctx, counts)


def _contact_rows(dept, ctx):
    """Attachment 1: one contact with both duties, or two sharing them; a few incomplete."""
    rng = _rng("contacts", dept.code)
    pattern = data.INCOMPLETE_CONTACTS.get(dept.code) or ("both" if rng.random() < 0.7 else "split")
    rows, names = [], set()
    for knows, administers in CONTACT_DUTIES[pattern]:
        name = _person_name(rng, names)
        staff_no = f"{rng.randint(1998, 2022)}{rng.randint(1, 9999):04d}"
        row = {
            "name": name,
            "staff_no": staff_no,
            "post": rng.choice(dept.posts),
            "phone": _mobile(rng),
            "email": f"{staff_no}@{EMAIL_DOMAIN}",
            "knows_processes": knows,
            "administers_systems": administers,
            "department_id": dept.id,
            **_stamps(ctx),
        }
        draft = _Draft(Contact, row)
        row.update(_workflow(rng, not completeness.missing_for_contact(draft), ctx, dept.code))
        rows.append(row)
    return rows


def _person_name(rng, taken):
    while True:
        given = "".join(rng.choice(data.GIVEN_NAME_CHARS) for _i in range(rng.choice((1, 2, 2))))
        name = rng.choice(data.SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def _mobile(rng):
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


# --- information systems ------------------------------------------------------------------------


def _seed_systems(session, ctx, total, counts):
    """Attachment 4: `total` systems; returns every system row of the catalogue with its id."""
    rows = [_system_row(index, ctx) for index in range(total)]
    existing = set(session.scalars(select(InformationSystem.code)))
    new = [row for row in rows if row["code"] not in existing]
    ids = _insert_returning(session, InformationSystem, new, "code")
    counts["systems"] += len(new)
    _write_reviews(
        session,
        "information_system",
        [(ids[row["code"]], row, _system_draft(row, ctx)) for row in new],
        ctx,
        counts,
    )
    all_ids = dict(session.execute(select(InformationSystem.code, InformationSystem.id)).all())
    _index_hosts(ctx, rows[: len(data.SYSTEMS)], all_ids)
    return [(row, all_ids.get(row["code"])) for row in rows]


def _index_hosts(ctx, base_rows, ids):
    """Items run on the online service hall or on a system of their own department."""
    refs = [
        SysRef(ids[row["code"]], row["code"], row["name"], row["url"], spec.department)
        for row, spec in zip(base_rows, data.SYSTEMS, strict=False)
        if row["code"] in ids
    ]
    ctx.systems = {ref.id: ref for ref in refs}
    platform = [ref for ref in refs if ref.code == _system_code(data.PLATFORM_SYSTEM)]
    ctx.hosts = {
        code: tuple(platform + [ref for ref in refs if ref.department == code])
        for code in ctx.departments
    }


def _system_code(index):
    return f"SYS-{index + 1:04d}"


def _system_row(index, ctx):
    spec = data.SYSTEMS[index % len(data.SYSTEMS)]
    rounds = index // len(data.SYSTEMS)
    rng = _rng("system", index)
    dept = ctx.departments[spec.department]
    code = _system_code(index)
    build = rng.uniform(80, 400) if index % len(data.SYSTEMS) < 4 else rng.uniform(5, 180)
    problems = {key: rng.random() < rate for key, rate in PROBLEM_RATES.items()}
    row = {
        "code": code,
        "name": spec.name if not rounds else f"{spec.name}（{rounds + 1}期）",
        "vendor": rng.choice(data.VENDORS),
        "go_live_date": date(rng.randint(2012, ctx.now.year - 1), rng.randint(1, 12), 1),
        "build_cost": _money(build),
        "annual_om_cost": _money(build * rng.uniform(0.05, 0.18)),
        "url": f"https://{code.lower()}.{EMAIL_DOMAIN}",
        "user_groups": ",".join(spec.groups),
        "daily_active_operations": min(int(rng.lognormvariate(5.5, 1.3)), 60000),
        "core_usage_rate": _money(rng.triangular(5, 98, 65)),
        "deployment": "cloud" if rng.random() < 0.3 else "local",
        "mobile_adaptation": _pick(rng, MOBILE),
        "portal_integration": _pick(rng, PORTAL),
        **problems,
        "problem_details": "；".join(
            rng.choice(data.PROBLEM_DETAILS[key]) for key, ticked in problems.items() if ticked
        )
        or None,
        "notes": None,
        "department_id": dept.id,
        **_stamps(ctx),
    }
    if rng.random() < INCOMPLETE_SYSTEMS:
        row[rng.choice(("vendor", "build_cost", "annual_om_cost", "go_live_date"))] = None
    row.update(
        _workflow(
            rng, not completeness.missing_for_system(_Draft(InformationSystem, row)), ctx, dept.code
        )
    )
    return row


def _system_draft(row, ctx):
    return _Draft(InformationSystem, row, department=ctx.by_id[row["department_id"]])


def _money(value):
    return Decimal(f"{value:.2f}")


# --- service items ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _catalogue():
    """Every department's processes, interleaved so that any prefix spreads over departments.

    Each entry is (department spec, process, rank in its department, department list size).
    """
    lists = [(dept, data.processes_of(dept)) for dept in data.DEPARTMENTS]
    longest = max(len(processes) for _dept, processes in lists)
    return tuple(
        (dept, processes[rank], rank, len(processes))
        for rank in range(longest)
        for dept, processes in lists
        if rank < len(processes)
    )


def item_entry(index):
    """The department, process and code of the index-th service item (stable for any N)."""
    catalogue = _catalogue()
    dept, process, rank, size = catalogue[index % len(catalogue)]
    rounds = index // len(catalogue)
    if rounds:
        process = process._replace(name=f"{process.name}（{_variant(rounds)}）")
    return Entry(index, dept, process, f"{dept.code}-{rounds * size + rank + 1:04d}")


def _variant(rounds):
    qualifier = data.ITEM_VARIANTS[(rounds - 1) % len(data.ITEM_VARIANTS)]
    lap = (rounds - 1) // len(data.ITEM_VARIANTS)
    return qualifier if not lap else f"{qualifier}{lap + 1}"


def _seed_items(session, ctx, total, counts):
    existing = set(session.scalars(select(ServiceItem.code)))
    pending = (entry for entry in map(item_entry, range(total)) if entry.code not in existing)
    for chunk in _chunks(pending, BATCH):
        _insert_items(session, ctx, [_build_item(entry, ctx) for entry in chunk], counts)


def _insert_items(session, ctx, bundles, counts):
    """One batch: the items (learning their ids), their children, then their reviews."""
    ids = _insert_returning(session, ServiceItem, [bundle.row for bundle in bundles], "code")
    materials, nodes, reviewed = [], [], []
    for bundle in bundles:
        item_id = ids[bundle.row["code"]]
        for child in bundle.materials + bundle.nodes:
            child["item_id"] = item_id
        materials += bundle.materials
        nodes += bundle.nodes
        if bundle.row["status"] in DECIDED:
            reviewed.append((item_id, bundle.row, _item_draft(bundle, ctx)))
    _insert(session, Material, materials)
    _insert(session, ProcessNode, nodes)
    _write_reviews(session, "service_item", reviewed, ctx, counts)
    counts["items"] += len(bundles)
    counts["materials"] += len(materials)
    counts["nodes"] += len(nodes)


def _build_item(entry, ctx):
    """The row of one service item with its materials and process nodes (no ids yet)."""
    rng = _rng("item", entry.index)
    dept = ctx.departments[entry.department.code]
    running = _pick(rng, RUNNING_STATUS)
    nodes, days = _node_rows(rng, _node_plan(rng, entry, dept), ctx)
    materials = _material_rows(rng, entry.process, ctx)
    hosting = _hosting_system(rng, entry, running, ctx)
    findings = _findings(rng, running, ctx.now.year)
    row = {
        "code": entry.code,
        "name": entry.process.name,
        "post": rng.choice(dept.posts),
        "kind": entry.process.kind,
        "running_status": running,
        "hosting_system_id": hosting.id if hosting else None,
        "online_entry": _online_entry(entry, running, hosting),
        "user_groups": ",".join(entry.process.groups),
        **_modules(rng, entry, dept, running, days, hosting),
        **findings,
        **_lifecycle(rng, running, findings, ctx.now.year),
        "department_id": dept.id,
        **_stamps(ctx),
    }
    bundle = ItemBundle(row, materials, nodes)
    complete = not completeness.missing_for_item(_item_draft(bundle, ctx))
    row.update(_workflow(rng, complete, ctx, dept.code))
    return bundle


def _item_draft(bundle, ctx):
    row = bundle.row
    return _Draft(
        ServiceItem,
        row,
        department=ctx.by_id[row["department_id"]],
        hosting_system=ctx.systems.get(row["hosting_system_id"]),
        materials=[_Draft(Material, m, id=None) for m in bundle.materials],
        nodes=[
            _Draft(
                ProcessNode,
                n,
                id=None,
                handling_department=ctx.by_id.get(n["handling_department_id"]),
            )
            for n in bundle.nodes
        ],
    )


def _node_plan(rng, entry, dept):
    """(kind, name, handling department code, post) of each step: submit ... complete.

    Approval items take 4-8 steps, service items 3-5; countersigns come as one block of two or
    three consecutive nodes (they run in parallel).
    """
    approval = entry.process.kind == "approval"
    middle = rng.randint(2, 6) if approval else rng.randint(1, 3)
    steps = [_first_review(entry, dept)]
    if middle >= 2:
        steps.append(("review", f"{dept.name}受理审核", dept.code, rng.choice(dept.posts)))
    extra = middle - len(steps)
    block = _countersign_size(rng, extra, approval)
    others = [code for code in CO_SIGNERS if code != dept.code]
    steps += [("countersign", None, code, "负责人") for code in rng.sample(others, block)]
    tail = [
        ("approve", f"{dept.name}负责人审批", dept.code, HEAD_POSTS[dept.kind]),
        ("transfer", None, rng.choice(others), "经办人"),
        ("approve", "分管校领导审批", None, "分管校领导"),
    ]
    steps += [tail[i] for i in sorted(rng.sample(range(len(tail)), extra - block))]
    return (
        [("submit", "提交申请", None, "申请人")]
        + steps
        + [("complete", rng.choice(COMPLETE_NAMES), dept.code, "经办人")]
    )


def _first_review(entry, dept):
    groups = entry.process.groups
    if "student" in groups:
        return ("review", "辅导员审核", None, "辅导员")
    if "staff" in groups:
        return ("review", "所在部门负责人审核", None, "部门负责人")
    return ("review", f"{dept.name}窗口初审", dept.code, "窗口工作人员")


def _countersign_size(rng, extra, approval):
    """0, or 2-3 countersign nodes; forced when the other steps cannot fill `extra`."""
    needed = extra > 3
    if not (needed or (approval and extra >= 2 and rng.random() < 0.4)):
        return 0
    return min(extra, max(2, rng.randint(2, 3), extra - 3))


def _node_rows(rng, plan, ctx):
    """Node rows with levels and working days; returns (rows, days of the whole process).

    Each review or approval is a level of its own; a block of countersigns shares one level,
    and counts once (its slowest node) in the item's time limit.
    """
    rows, level, serial, parallel, previous = [], 0, 0, 0, None
    for position, (kind, name, dept_code, post) in enumerate(plan, 1):
        days = rng.randint(*NODE_DAYS[kind])
        if kind in LEVELLED and not (kind == "countersign" and previous == "countersign"):
            level += 1
        if kind == "countersign":
            parallel = max(parallel, days)
        else:
            serial += days
        dept = ctx.departments.get(dept_code)
        rows.append(
            {
                "position": position,
                "name": name or _node_name(kind, dept),
                "kind": kind,
                "handling_department_id": dept.id if dept else None,
                "handling_post": post,
                "approval_level": level if kind in LEVELLED else None,
                "time_limit_days": days,
                **_stamps(ctx),
            }
        )
        previous = kind
    return rows, serial + parallel


def _node_name(kind, dept):
    return f"{dept.name}会签" if kind == "countersign" else f"转{dept.name}办理"


def _material_rows(rng, process, ctx):
    rows = []
    for position, name in enumerate(process.materials, 1):
        form = _material_form(name)
        rows.append(
            {
                "position": position,
                "name": name,
                "required": "如有" not in name,
                "form": form,
                "copies": rng.randint(1, 2) if form != "electronic" else None,
                "notes": _material_note(rng, name, form),
                **_stamps(ctx),
            }
        )
    return rows


def _material_form(name):
    if "复印件" in name:
        return "copy"
    if any(word in name for word in ("发票", "照片", "票据", "原报到证")):
        return "original"
    return "electronic"


def _material_note(rng, name, form):
    if form == "copy":
        return "A4纸复印，注明“与原件一致”并签名"
    if form == "original":
        return "原件交经办人留存"
    if name.endswith("表") and rng.random() < 0.5:
        return "在系统中下载模板，填写后上传"
    return None


def _hosting_system(rng, entry, running, ctx):
    """Items online or built run on a system; items not yet online on none."""
    choices = ctx.hosts[entry.department.code]
    if running == "deploy" or not choices or rng.random() >= 0.9:
        return None
    return rng.choice(choices)


def _online_entry(entry, running, hosting):
    if running == "good":
        return f"https://ehall.{EMAIL_DOMAIN}/app/{entry.code.lower()}"
    if running == "improve" and hosting:
        return hosting.url
    return None


def _modules(rng, entry, dept, running, days, hosting):
    """The six modules (the flowchart being the nodes); a minority left partly blank."""
    conditions = "，".join(data.CONDITIONS[group] for group in entry.process.groups)
    modules = {
        "conditions": f"{conditions}；{rng.choice(data.CONDITION_EXTRAS)}。",
        "path": _path(entry, dept, running, hosting),
        "consultation": f"{dept.name}，电话 {dept.phone}，地点：{dept.office}",
        "time_limit_days": days,
        "service_hours": rng.choice(data.SERVICE_HOURS),
        "tips": rng.choice(data.TIPS).format(days=rng.randint(2, 5)),
    }
    if rng.random() < INCOMPLETE_ITEMS:
        for key in rng.sample(MODULE_KEYS, rng.randint(1, 3)):
            modules[key] = None
    return modules


def _path(entry, dept, running, hosting):
    name = entry.process.name
    if running == "good":
        system = hosting.name if hosting else "网上办事大厅"
        return (
            f"登录融合门户—应用中心—{system}，进入“{name}”在线填写表单、上传材料并提交，"
            "可随时查看办理进度。"
        )
    if running == "improve":
        system = hosting.name if hosting else "业务系统"
        return (
            f"{system}中已搭建“{name}”流程但尚未启用，"
            f"目前仍到{dept.name}（{dept.office}）线下办理。"
        )
    return f"目前线下办理：到{dept.name}（{dept.office}）提交纸质材料。"


def _findings(rng, running, year):
    """Pain points and suggestions for some items; the plan of 待改进 and 待部署 items."""
    found = {
        "pain_points": None,
        "suggestions": None,
        "transformation_needs": None,
        "disposition": None,
        "disposition_note": None,
    }
    if rng.random() < 0.4:
        found["pain_points"] = "；".join(rng.sample(data.PAIN_POINTS, rng.randint(1, 2)))
    if rng.random() < 0.35:
        found["suggestions"] = "；".join(rng.sample(data.SUGGESTIONS, rng.randint(1, 2)))
    if running == "improve":
        enable = rng.random() < 0.7
        found["disposition"] = "enable" if enable else "offline"
        note = rng.choice(data.ENABLE_NOTES if enable else data.OFFLINE_NOTES)
        found["disposition_note"] = note.format(year=year + 1, month=rng.randint(3, 9))
    if running == "deploy":
        found["transformation_needs"] = "；".join(
            rng.sample(data.TRANSFORMATION_NEEDS, rng.randint(1, 2))
        )
    return found


def _lifecycle(rng, running, findings, year):
    """Where the item stands on the service hall (the same start as lifecycle.initial_lifecycle)."""
    if running == "deploy":
        if rng.random() < 0.25:
            return {
                "lifecycle": "onboarding_requested",
                "lifecycle_note": f"申请纳入{year + 1}年线上化改造计划",
            }
        return {"lifecycle": "planned", "lifecycle_note": None}
    if findings["disposition"] == "offline" and rng.random() < 0.5:
        return {"lifecycle": "offline_requested", "lifecycle_note": findings["disposition_note"]}
    return {"lifecycle": "online", "lifecycle_note": None}


# --- rectification tasks and the campaign -------------------------------------------------------


def _seed_tasks(session, ctx, systems, counts):
    """The ledger: tasks from the first systems with problems, and from a few item pain points."""
    wanted = max(5, len(systems) // 12)
    troubled = [(row, sid) for row, sid in systems if any(row[key] for key in PROBLEM_RATES)][
        :wanted
    ]
    rows = [_system_task(row, sid, ctx) for row, sid in troubled]
    rows += [_item_task(session, spec, ctx) for spec in data.ITEM_TASKS]
    existing = set(
        session.execute(select(RectificationTask.department_id, RectificationTask.title)).all()
    )
    new = [row for row in rows if (row["department_id"], row["title"]) not in existing]
    counts["tasks"] += _insert(session, RectificationTask, new)


def _system_task(row, system_id, ctx):
    rng = _rng("task", row["code"])
    problem = next(key for key in PROBLEM_RATES if row[key])
    title, measure = data.TASK_TEMPLATES[problem]
    return _task_row(
        rng,
        ctx,
        department_id=row["department_id"],
        title=title.format(name=row["name"]),
        source="system",
        category=problem,
        description=row["problem_details"],
        measure=measure,
        information_system_id=system_id,
        service_item_id=None,
        source_key=source_key("system", system_id, problem),
    )


def _item_task(session, spec, ctx):
    dept_code, process_name, title, measure = spec
    code = next(
        entry.code
        for entry in map(item_entry, range(len(_catalogue())))
        if entry.department.code == dept_code and entry.process.name == process_name
    )
    item_id = session.scalar(select(ServiceItem.id).where(ServiceItem.code == code))
    return _task_row(
        _rng("task", code),
        ctx,
        department_id=ctx.departments[dept_code].id,
        title=title,
        source="item",
        category="process",
        description=f"“{process_name}”办理环节多、进度不透明，师生反馈较多",
        measure=measure,
        information_system_id=None,
        service_item_id=item_id,
        source_key=source_key("item", item_id, "process"),
    )


def _task_row(rng, ctx, **fields):
    status = _pick(rng, TASK_STATUS)
    year = ctx.now.year
    return {
        **fields,
        "owner": _person_name(rng, set()) + rng.choice(data.TASK_OWNER_POSTS),
        "deadline": date(year, rng.randint(10, 12), rng.randint(1, 28)),
        "task_status": status,
        "postpone_reason": rng.choice(data.POSTPONE_REASONS) if status == "postponed" else None,
        "evidence": rng.choice(data.EVIDENCE) if status == "done" else None,
        "closed_at": ctx.now - timedelta(days=rng.randint(1, 30)) if status == "done" else None,
        **_workflow(rng, False, ctx, None),
        **_stamps(ctx),
    }


def _seed_campaign(session, year, counts):
    """This year's round with the notice's four phases, unless it exists already."""
    if session.scalar(select(Campaign.id).where(Campaign.year == year)) is not None:
        return
    campaign = Campaign(
        year=year,
        name=data.CAMPAIGN_NAME.format(year=year),
        start_date=date(year, 7, 1),
        end_date=date(year, 12, 31),
        notes=data.CAMPAIGN_NOTES,
    )
    campaign.phases = [
        CampaignPhase(
            position=position,
            kind=kind,
            name=name,
            start_date=date(year, *start),
            end_date=date(year, *end),
        )
        for position, (kind, name, start, end) in enumerate(data.CAMPAIGN_PHASES, 1)
    ]
    session.add(campaign)
    session.flush()
    counts["campaigns"] += 1


# --- the review workflow ------------------------------------------------------------------------


def _workflow(rng, complete, ctx, dept_code):
    """Workflow columns: incomplete records stay drafts; complete ones anywhere in the flow."""
    fields = dict.fromkeys(WORKFLOW_COLUMNS)
    fields["status"] = _pick(rng, REVIEW_STATUS) if complete else "draft"
    if fields["status"] == "draft":
        return fields
    submitted = ctx.now - timedelta(days=rng.randint(3, 60), minutes=rng.randint(0, 600))
    fields.update(submitted_at=submitted, submitted_by_id=ctx.submitters.get(dept_code))
    if fields["status"] == "submitted":
        return fields
    fields.update(
        decided_at=min(submitted + timedelta(hours=rng.randint(2, 96)), ctx.now),
        decided_by_id=ctx.reviewer.id,
    )
    if fields["status"] == "approved":
        fields["approved_version_no"] = 1
    else:
        fields["review_comment"] = rng.choice(data.RETURN_COMMENTS)
    return fields


def _write_reviews(session, record_type, reviewed, ctx, counts):
    """Signed decisions for approved and returned rows, and version 1 of the approved ones.

    `reviewed` holds (record id, row, draft); the snapshot is taken from the draft exactly as
    the workflow takes it from a stored record.
    """
    decisions, versions = [], []
    for record_id, row, draft in reviewed:
        if row["status"] not in DECIDED:
            continue
        content = snapshot(draft, record_type)
        digest = snapshot_hash(content)
        decisions.append(_decision_row(record_type, record_id, row, digest, ctx))
        if row["status"] == "approved":
            versions.append(_version_row(record_type, record_id, row, content, digest))
    ids = _insert_returning(session, ReviewDecision, decisions, "record_id")
    for version in versions:
        version["decision_id"] = ids[version["record_id"]]
    _insert(session, RecordVersion, versions)
    counts["decisions"] += len(decisions)
    counts["versions"] += len(versions)


def _decision_row(record_type, record_id, row, digest, ctx):
    decision = DECIDED[row["status"]]
    signer = ctx.reviewer
    return {
        "record_type": record_type,
        "record_id": record_id,
        "department_id": row["department_id"],
        "decision": decision,
        "comment": row["review_comment"],
        "submitted_at": row["submitted_at"],
        "submitted_by_id": row["submitted_by_id"],
        "signer_id": signer.id,
        "signer_name": signer_display_name(signer),
        "signed_at": row["decided_at"],
        "snapshot_hash": digest,
        "signature_hash": signature_hash(
            record_type, record_id, decision, signer.id, row["decided_at"], digest
        ),
        "as_admin": False,
        "version_no": row["approved_version_no"],
    }


def _version_row(record_type, record_id, row, content, digest):
    return {
        "record_type": record_type,
        "record_id": record_id,
        "department_id": row["department_id"],
        "number": 1,
        "snapshot": canonical_json(content),
        "snapshot_hash": digest,
        "approved_at": row["decided_at"],
        "decision_id": None,
        "is_current": row.get("lifecycle", "online") != "offline",
    }


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


# --- helpers ------------------------------------------------------------------------------------


class _Draft:
    """A row not yet stored, read the way services read records.

    Column values come from the row dict, related objects are given by keyword, and the model's
    own methods (e.g. `problem_codes`) are bound to the draft, so `snapshot()` and the
    completeness rules see exactly what the database will hold.
    """

    def __init__(self, model, values, **related):
        self.__dict__.update(related, _model=model, _values=values, __table__=model.__table__)

    def __getattr__(self, key):
        values = self.__dict__["_values"]
        if key in values:
            return values[key]
        method = getattr(self.__dict__["_model"], key, None)
        if inspect.isfunction(method):
            return types.MethodType(method, self)
        raise AttributeError(key)


def _rng(kind, key):
    """The random source of one record: the same record always gets the same content."""
    return random.Random(f"{SEED}:{kind}:{key}")


def _pick(rng, table):
    codes, weights = table
    return rng.choices(codes, weights)[0]


def _stamps(ctx):
    return {
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "version": 1,
        "created_by_id": None,
        "updated_by_id": None,
    }


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert(session, model, rows):
    """Core executemany INSERT in batches; returns the number of rows."""
    for chunk in _chunks(rows, BATCH):
        session.execute(insert(model.__table__), chunk)
    return len(rows)


def _insert_returning(session, model, rows, *key_columns):
    """Insert rows and return {key: id}, the key being one column's value or a tuple of them."""
    table = model.__table__
    statement = insert(table).returning(table.c.id, *(table.c[key] for key in key_columns))
    ids = {}
    for chunk in _chunks(rows, BATCH):
        for row in session.execute(statement, chunk):
            ids[row[1] if len(key_columns) == 1 else tuple(row[1:])] = row[0]
    return ids
