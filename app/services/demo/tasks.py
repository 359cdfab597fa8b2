"""The rectification ledger (tasks from systems' problems and items' pain points) and this
year's campaign with the notice's phases."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Campaign, CampaignPhase, RectificationTask, ServiceItem
from app.services.demo.data import tasks as task_data
from app.services.demo.items import item_entry, process_catalogue
from app.services.demo.people import person_name
from app.services.demo.reviews import workflow_fields
from app.services.demo.rows import Context, insert_rows, pick, record_rng, stamps
from app.services.demo.systems import PROBLEM_RATES
from app.services.ledger.rectification import source_key

TASK_STATUS = (("open", "in_progress", "done", "postponed"), (35, 35, 20, 10))


# --- rectification tasks and the campaign -------------------------------------------------------


def seed_tasks(
    session: Session,
    ctx: Context,
    systems: list[tuple[dict[str, object], int | None]],
    counts: dict[str, int],
) -> None:
    """The ledger: tasks from the first systems with problems, and from a few item pain points."""
    wanted = max(5, len(systems) // 12)
    troubled = [(row, sid) for row, sid in systems if any(row[key] for key in PROBLEM_RATES)][
        :wanted
    ]
    rows = [_system_task(row, sid, ctx) for row, sid in troubled]
    rows += [_item_task(session, spec, ctx) for spec in task_data.ITEM_TASKS]
    existing = set(
        session.execute(select(RectificationTask.department_id, RectificationTask.title)).all()
    )
    new = [row for row in rows if (row["department_id"], row["title"]) not in existing]
    counts["tasks"] += insert_rows(session, RectificationTask, new)


def _system_task(row, system_id, ctx):
    rng = record_rng("task", row["code"])
    problem = next(key for key in PROBLEM_RATES if row[key])
    title, measure = task_data.TASK_TEMPLATES[problem]
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
        for entry in map(item_entry, range(len(process_catalogue())))
        if entry.department.code == dept_code and entry.process.name == process_name
    )
    item_id = session.scalar(select(ServiceItem.id).where(ServiceItem.code == code))
    return _task_row(
        record_rng("task", code),
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
    status = pick(rng, TASK_STATUS)
    year = ctx.now.year
    return {
        **fields,
        "owner": person_name(rng, set()) + rng.choice(task_data.TASK_OWNER_POSTS),
        "deadline": date(year, rng.randint(10, 12), rng.randint(1, 28)),
        "task_status": status,
        "postpone_reason": rng.choice(task_data.POSTPONE_REASONS)
        if status == "postponed"
        else None,
        "evidence": rng.choice(task_data.EVIDENCE) if status == "done" else None,
        "closed_at": ctx.now - timedelta(days=rng.randint(1, 30)) if status == "done" else None,
        **workflow_fields(rng, False, ctx, None),
        **stamps(ctx),
    }


def seed_campaign(session: Session, year: int, counts: dict[str, int]) -> None:
    """This year's round with the notice's four phases, unless it exists already."""
    if session.scalar(select(Campaign.id).where(Campaign.year == year)) is not None:
        return
    campaign = Campaign(
        year=year,
        name=task_data.CAMPAIGN_NAME.format(year=year),
        start_date=date(year, 7, 1),
        end_date=date(year, 12, 31),
        notes=task_data.CAMPAIGN_NOTES,
    )
    campaign.phases = [
        CampaignPhase(
            position=position,
            kind=kind,
            name=name,
            start_date=date(year, *start),
            end_date=date(year, *end),
        )
        for position, (kind, name, start, end) in enumerate(task_data.CAMPAIGN_PHASES, 1)
    ]
    session.add(campaign)
    session.flush()
    counts["campaigns"] += 1
