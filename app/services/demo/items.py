"""Service items (attachments 2 and 3) with their materials and process nodes, drawn from the
departments' catalogue of processes."""

from collections import namedtuple
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Material, ProcessNode, ServiceItem
from app.models.time_limit import read_time_limit
from app.services.catalog import completeness
from app.services.demo import standing
from app.services.demo.data import departments as department_data
from app.services.demo.data import processes as process_data
from app.services.demo.data import texts
from app.services.demo.reviews import DECIDED, workflow_fields, write_reviews
from app.services.demo.rows import (
    BATCH,
    EMAIL_DOMAIN,
    Context,
    Draft,
    chunks,
    insert_returning,
    insert_rows,
    pick,
    record_rng,
    stamps,
)

RUNNING_STATUS = (("good", "improve", "deploy"), (60, 20, 20))
INCOMPLETE_ITEMS = 0.15  # share of items with one to three of the six modules left blank
MODULE_KEYS = tuple(key for key, _label in completeness.ITEM_MODULES)

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

Entry = namedtuple("Entry", "index department process code")
ItemBundle = namedtuple("ItemBundle", "row materials nodes")


# --- service items ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def process_catalogue() -> tuple[
    tuple[department_data.Department, process_data.Process, int, int], ...
]:
    """Every department's processes, interleaved so that any prefix spreads over departments.

    Each entry is (department spec, process, rank in its department, department list size).
    """
    lists = [(dept, process_data.processes_of(dept)) for dept in department_data.DEPARTMENTS]
    longest = max(len(processes) for _dept, processes in lists)
    return tuple(
        (dept, processes[rank], rank, len(processes))
        for rank in range(longest)
        for dept, processes in lists
        if rank < len(processes)
    )


def item_entry(index: int) -> Entry:
    """The department, process and code of the index-th service item (stable for any N)."""
    catalogue = process_catalogue()
    dept, process, rank, size = catalogue[index % len(catalogue)]
    rounds = index // len(catalogue)
    if rounds:
        process = process._replace(name=f"{process.name}（{_variant(rounds)}）")
    return Entry(index, dept, process, f"{dept.code}-{rounds * size + rank + 1:04d}")


def _variant(rounds):
    qualifier = process_data.ITEM_VARIANTS[(rounds - 1) % len(process_data.ITEM_VARIANTS)]
    lap = (rounds - 1) // len(process_data.ITEM_VARIANTS)
    return qualifier if not lap else f"{qualifier}{lap + 1}"


def seed_items(session: Session, ctx: Context, total: int, counts: dict[str, int]) -> None:
    existing = set(session.scalars(select(ServiceItem.code)))
    pending = (entry for entry in map(item_entry, range(total)) if entry.code not in existing)
    for chunk in chunks(pending, BATCH):
        _insert_items(session, ctx, [_build_item(entry, ctx) for entry in chunk], counts)


def _insert_items(session, ctx, bundles, counts):
    """One batch: the items (learning their ids), their children, then their reviews."""
    ids = insert_returning(session, ServiceItem, [bundle.row for bundle in bundles], "code")
    materials, nodes, reviewed = [], [], []
    for bundle in bundles:
        item_id = ids[bundle.row["code"]]
        for child in bundle.materials + bundle.nodes:
            child["item_id"] = item_id
        materials += bundle.materials
        nodes += bundle.nodes
        if bundle.row["status"] in DECIDED:
            reviewed.append((item_id, bundle.row, _item_draft(bundle, ctx)))
    insert_rows(session, Material, materials)
    insert_rows(session, ProcessNode, nodes)
    write_reviews(session, "service_item", reviewed, ctx, counts)
    counts["items"] += len(bundles)
    counts["materials"] += len(materials)
    counts["nodes"] += len(nodes)


def _build_item(entry, ctx):
    """The row of one service item with its materials and process nodes (no ids yet)."""
    rng = record_rng("item", entry.index)
    dept = ctx.departments[entry.department.code]
    running = pick(rng, RUNNING_STATUS)
    nodes, days = _node_rows(rng, _node_plan(rng, entry, dept), ctx)
    materials = _material_rows(rng, entry.process, ctx)
    hosting = _hosting_system(rng, entry, running, ctx)
    findings = standing.findings(rng, running, ctx.now.year)
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
        **standing.lifecycle(rng, running, findings, ctx.now.year),
        "classified": False,
        "department_id": dept.id,
        **stamps(ctx),
    }
    row["offline_plan"] = standing.offline_plan(row["lifecycle"], dept)
    bundle = ItemBundle(row, materials, nodes)
    complete = not completeness.missing_for_item(_item_draft(bundle, ctx))
    row.update(workflow_fields(rng, complete, ctx, dept.code))
    return bundle


def _item_draft(bundle, ctx):
    row = bundle.row
    return Draft(
        ServiceItem,
        row,
        department=ctx.by_id[row["department_id"]],
        hosting_system=ctx.systems.get(row["hosting_system_id"]),
        materials=[Draft(Material, m, id=None) for m in bundle.materials],
        nodes=[
            Draft(
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
    if "undergraduate" in groups or "graduate" in groups:
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
                "time_limit": f"{days}个工作日",
                "time_limit_low": days,
                "time_limit_high": days,
                "time_limit_unit": "workday",
                "time_limit_days": days,
                **stamps(ctx),
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
                "source": "applicant",
                "notes": _material_note(rng, name, form),
                **stamps(ctx),
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
    conditions = "，".join(texts.CONDITIONS[group] for group in entry.process.groups)
    modules = {
        "conditions": f"{conditions}；{rng.choice(texts.CONDITION_EXTRAS)}。",
        "path": _path(entry, dept, running, hosting),
        "consultation": f"{dept.name}，电话 {dept.phone}，地点：{dept.office}",
        "promised_limit": f"{days}个工作日",
        "service_hours": rng.choice(texts.SERVICE_HOURS),
        "tips": rng.choice(texts.TIPS).format(days=rng.randint(2, 5)),
    }
    if rng.random() < INCOMPLETE_ITEMS:
        for key in rng.sample(MODULE_KEYS, rng.randint(1, 3)):
            modules[key] = None
    reading = read_time_limit(modules["promised_limit"])
    modules |= {
        "handling_type": reading.handling,
        "promised_low": reading.low,
        "promised_high": reading.high,
        "promised_unit": reading.unit,
        "time_limit_days": reading.working_days,
        "statutory_limit": None,
        "statutory_low": None,
        "statutory_high": None,
        "statutory_unit": None,
        "audience_note": None,
    }
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
