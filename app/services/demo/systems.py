"""Management information systems (attachment 4), and the systems items may run on."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import InformationSystem
from app.services.catalog import completeness
from app.services.demo.data import systems as system_data
from app.services.demo.reviews import workflow_fields, write_reviews
from app.services.demo.rows import (
    EMAIL_DOMAIN,
    Context,
    Draft,
    SysRef,
    insert_returning,
    pick,
    record_rng,
    stamps,
)

MOBILE = (("none", "partial", "full"), (30, 35, 35))
PORTAL = (("none", "sso", "full"), (25, 40, 35))
TASK_STATUS = (("open", "in_progress", "done", "postponed"), (35, 35, 20, 10))
PROBLEM_RATES = {
    "data_silo": 0.35,
    "feature_gap": 0.3,
    "poor_extensibility": 0.25,
    "security_risk": 0.12,
}
INCOMPLETE_SYSTEMS = 0.08


# --- information systems ------------------------------------------------------------------------


def seed_systems(
    session: Session, ctx: Context, total: int, counts: dict[str, int]
) -> list[tuple[dict[str, object], int | None]]:
    """Attachment 4: `total` systems; returns every system row of the catalogue with its id."""
    rows = [_system_row(index, ctx) for index in range(total)]
    existing = set(session.scalars(select(InformationSystem.code)))
    new = [row for row in rows if row["code"] not in existing]
    ids = insert_returning(session, InformationSystem, new, "code")
    counts["systems"] += len(new)
    write_reviews(
        session,
        "information_system",
        [(ids[row["code"]], row, _system_draft(row, ctx)) for row in new],
        ctx,
        counts,
    )
    all_ids = dict(session.execute(select(InformationSystem.code, InformationSystem.id)).all())
    _index_hosts(ctx, rows[: len(system_data.SYSTEMS)], all_ids)
    return [(row, all_ids.get(row["code"])) for row in rows]


def _index_hosts(ctx, base_rows, ids):
    """Items run on the online service hall or on a system of their own department."""
    refs = [
        SysRef(ids[row["code"]], row["code"], row["name"], row["url"], spec.department)
        for row, spec in zip(base_rows, system_data.SYSTEMS, strict=False)
        if row["code"] in ids
    ]
    ctx.systems = {ref.id: ref for ref in refs}
    platform = [ref for ref in refs if ref.code == _system_code(system_data.PLATFORM_SYSTEM)]
    ctx.hosts = {
        code: tuple(platform + [ref for ref in refs if ref.department == code])
        for code in ctx.departments
    }


def _system_code(index):
    return f"SYS-{index + 1:04d}"


def _system_row(index, ctx):
    spec = system_data.SYSTEMS[index % len(system_data.SYSTEMS)]
    rounds = index // len(system_data.SYSTEMS)
    rng = record_rng("system", index)
    dept = ctx.departments[spec.department]
    code = _system_code(index)
    build = rng.uniform(80, 400) if index % len(system_data.SYSTEMS) < 4 else rng.uniform(5, 180)
    problems = {key: rng.random() < rate for key, rate in PROBLEM_RATES.items()}
    row = {
        "code": code,
        "name": spec.name if not rounds else f"{spec.name}（{rounds + 1}期）",
        "vendor": rng.choice(system_data.VENDORS),
        "go_live_date": date(rng.randint(2012, ctx.now.year - 1), rng.randint(1, 12), 1),
        "go_live_precision": "month",  # registers give the month a system went live
        "build_cost": _money(build),
        "annual_om_cost": _money(build * rng.uniform(0.05, 0.18)),
        "url": f"https://{code.lower()}.{EMAIL_DOMAIN}",
        "user_groups": ",".join(spec.groups),
        "daily_active_operations": min(int(rng.lognormvariate(5.5, 1.3)), 60000),
        "core_usage_rate": _money(rng.triangular(5, 98, 65)),
        "deployment": "cloud" if rng.random() < 0.3 else "local",
        "mobile_adaptation": pick(rng, MOBILE),
        "portal_integration": pick(rng, PORTAL),
        **problems,
        "problem_details": "；".join(
            rng.choice(system_data.PROBLEM_DETAILS[key])
            for key, ticked in problems.items()
            if ticked
        )
        or None,
        "notes": None,
        "department_id": dept.id,
        **stamps(ctx),
    }
    if rng.random() < INCOMPLETE_SYSTEMS:
        row[rng.choice(("vendor", "build_cost", "annual_om_cost", "go_live_date"))] = None
        if row["go_live_date"] is None:
            row["go_live_precision"] = None
    row.update(
        workflow_fields(
            rng, not completeness.missing_for_system(Draft(InformationSystem, row)), ctx, dept.code
        )
    )
    return row


def _system_draft(row, ctx):
    return Draft(InformationSystem, row, department=ctx.by_id[row["department_id"]])


def _money(value):
    return Decimal(f"{value:.2f}")
