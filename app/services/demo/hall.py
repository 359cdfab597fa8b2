"""The service hall in the demo college: for every item on its way online (or asking for a
change or to go offline) the requests, signed decisions and timeline steps that brought it to
its state; filed handlers on the nodes of its live and going-live items (demo/handlers.py); the
owning unit's confirmation on items in the confirmation round; training records of the demo
process administrator, handler and reviewers (the roles art. 18 gates), and one expired.
Idempotent: an item that has a step already is left alone, a training record is matched by
person and session.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.extensions import appbuilder
from app.models import (
    HallDrill,
    HallRequest,
    HallStep,
    ServiceItem,
    TrainingRecord,
)
from app.services.access import training
from app.services.demo.handlers import seed_handlers
from app.services.demo.rows import Context, insert_returning, insert_rows, stamps
from app.services.review.hall import sign

# The steps that lead to each state of the onboarding chain, in order.
ONBOARDING = (
    ("request_onboarding", "planned", "onboarding_requested", "contact"),
    ("approve_onboarding", "onboarding_requested", "onboarding_approved", "reviewer"),
    ("start_development", "onboarding_approved", "in_development", "itadmin"),
    ("deliver", "in_development", "acceptance", "itadmin"),
    ("accept", "acceptance", "accepted", "contact"),
    ("record_training", "accepted", "confirming", "contact"),
)
REQUESTED = {
    "onboarding_requested": ("onboarding", "request_onboarding", "planned"),
    "change_requested": ("change", "request_change", "online"),
    "offline_requested": ("offline", "request_offline", "online"),
}
NOTES = {
    "request_onboarding": "师生线上办理需求强烈，申请入驻网上办事大厅",
    "accept": "按测试用例逐项验证，表单、流转与打印均正常，验收通过",
    "record_training": "已面向相关单位办理人开展培训，并在融合门户发布办事指南",
}
TRAINING_FILE = ("培训签到表.txt", "培训签到表（演示）：相关单位办理人 12 人参加。".encode())
TRAININGS = (
    ("demo_procadmin", "演示流程管理员", "网上办事大厅流程管理员培训", 30, True),
    ("demo_handler", "演示办理人", "网上办事大厅办理人培训", 20, True),
    ("demo_contact", "演示联系人", "网上办事大厅办理人培训", 420, True),  # due for retraining
    ("demo_reviewer", "演示审核员", "网上办事大厅审核员培训", 25, True),
)


def seed_hall(session: Session, ctx: Context, counts: dict[str, int]) -> None:
    people = {
        role: appbuilder.sm.find_user(username=f"demo_{role}")
        for role in ("contact", "reviewer", "itadmin", "procadmin", "handler")
    }
    started = set(session.scalars(select(HallStep.item_id).distinct()))
    waiting = (*(s for _a, _f, s, _r in ONBOARDING), *REQUESTED)
    items = [
        item
        for item in session.scalars(select(ServiceItem).where(ServiceItem.lifecycle.in_(waiting)))
        if item.id not in started
    ]
    steps, requests = [], []
    for item in items:
        item_steps, request = _history(item, ctx, people)
        steps += item_steps
        requests += [request] if request else []
    _insert_requests(session, requests, people["reviewer"])
    insert_rows(session, HallStep, steps)
    seed_handlers(session, ctx, people)
    _seed_training(session, ctx)
    _seed_drills(session, ctx)


def _step(item, action, old, new, actor, at, **extra):
    return {
        "item_id": item.id,
        "action": action,
        "from_state": old,
        "to_state": new,
        "user_id": actor.id if actor else None,
        "actor_name": f"{actor.last_name}{actor.first_name}" if actor else "—",
        "at": at,
        "department_id": extra.pop("department_id", None),
        "note": extra.pop("note", NOTES.get(action)),
        "event_date": extra.pop("event_date", None),
        "attachment_name": extra.pop("attachment_name", None),
        "attachment_type": extra.pop("attachment_type", None),
        "attachment": extra.pop("attachment", None),
        "signature_hash": None,
    }


def _history(item, ctx, people):
    """(steps, request row) that brought `item` to its state."""
    if item.lifecycle in ("change_requested", "offline_requested"):
        kind, action, old = REQUESTED[item.lifecycle]
        at = ctx.now - timedelta(days=2)
        step = _step(
            item, action, old, item.lifecycle, people["contact"], at, note=item.lifecycle_note
        )
        return [step], _request(item, kind, at, "submitted", item.lifecycle_note, people)
    states = [s for _a, _f, s, _r in ONBOARDING]
    done = ONBOARDING[: states.index(item.lifecycle) + 1]
    start = ctx.now - timedelta(days=3 * len(done) + 1)
    steps = []
    for n, (action, old, new, role) in enumerate(done):
        extra = {}
        if action == "record_training":
            name, data = TRAINING_FILE
            extra = {
                "event_date": (start + timedelta(days=3 * n)).date(),
                "attachment_name": name,
                "attachment_type": "text/plain",
                "attachment": data,
            }
        steps.append(
            _step(item, action, old, new, people[role], start + timedelta(days=3 * n), **extra)
        )
    if item.lifecycle == "confirming":
        at = ctx.now - timedelta(hours=6)
        steps.append(
            _step(
                item,
                "confirm_unit",
                "confirming",
                "confirming",
                people["procadmin"],
                at,
                department_id=item.department_id,
                note="本单位确认",
            )
        )
    status = "submitted" if item.lifecycle == "onboarding_requested" else "approved"
    reason = item.lifecycle_note or NOTES["request_onboarding"]
    return steps, _request(item, "onboarding", start, status, reason, people)


def _request(item, kind, at, status, reason, people):
    contact = people["contact"]
    return {
        "item_id": item.id,
        "department_id": item.department_id,
        "kind": kind,
        "reason": reason or NOTES["request_onboarding"],
        "no_classified": True,
        "status": status,
        "submitted_at": at,
        "submitted_by_id": contact.id if contact else None,
        "decided_at": None,
        "signer_name": None,
        "signature_hash": None,
        "decision_comment": None,
        **stamps_at(at),
    }


def stamps_at(at: datetime) -> dict[str, object]:
    return {
        "created_at": at,
        "updated_at": at,
        "version": 1,
        "created_by_id": None,
        "updated_by_id": None,
    }


def _insert_requests(session, rows, reviewer):
    """The requests, then the office's signature on the approved ones (it signs their ids)."""
    ids = insert_returning(session, HallRequest, rows, "item_id")
    signed = []
    for row in rows:
        if row["status"] != "approved" or reviewer is None:
            continue
        request_id = ids[row["item_id"]]
        at, name, digest = sign(
            reviewer, "hall_request", request_id, "approved", {"kind": row["kind"]}
        )
        signed.append({"rid": request_id, "at": at, "name": name, "sig": digest})
    if signed:
        table = HallRequest.__table__
        session.execute(
            update(table)
            .where(table.c.id == bindparam("rid"))
            .values(
                decided_at=bindparam("at"),
                signer_name=bindparam("name"),
                signature_hash=bindparam("sig"),
            ),
            signed,
        )


def _seed_training(session, ctx):
    have = set(session.execute(select(TrainingRecord.username, TrainingRecord.session_name)).all())
    today = ctx.now.date()
    rows = [
        {
            "username": username,
            "display_name": name,
            "session_name": session_name,
            "session_date": today - timedelta(days=days_ago),
            "passed": passed,
            "score": 90,
            "valid_until": None,
            **stamps(ctx),
        }
        for username, name, session_name, days_ago, passed in TRAININGS
        if (username, session_name) not in have
    ]
    insert_rows(session, TrainingRecord, rows)


DIRECTORY_TRAINING = "网上办事大厅审核员培训"


def train_people(
    session: Session, people: Iterable[tuple[str, str]], today: date | None = None
) -> list[str]:
    """A passed training record of today for each (uid, name) of the demo directories
    (scripts/run_ldap.py, run_cas.py) that holds no valid one: their reviewer's role is
    training-gated (art. 18), and a directory login without it would suspend the role.
    Returns the uids trained; leaves the commit to the caller."""
    today = today or date.today()
    trained = []
    for uid, name in people:
        if training.valid_training(session, uid, today) is None:
            session.add(
                TrainingRecord(
                    username=uid,
                    display_name=name,
                    session_name=DIRECTORY_TRAINING,
                    session_date=today,
                    passed=True,
                    score=90,
                )
            )
            trained.append(uid)
    session.flush()
    return trained


DRILLS = (
    (
        "plan",
        "网上办事大厅突发事件技术应急预案（2026 年修订）",
        200,
        "故障分级、值班与上报、切换备用环境、线下办理启动流程。",
        None,
    ),
    (
        "drill",
        "网上办事大厅数据库故障切换演练",
        40,
        "模拟主库宕机，切换至备用库并通知各单位启用线下预案。",
        "备用库切换用时 35 分钟，超过 30 分钟目标\n部分单位未张贴线下应急办理指引",
    ),
)


def _seed_drills(session, ctx):
    """The hall's technical emergency plan and one drill with findings (no task yet)."""
    have = set(session.scalars(select(HallDrill.title)))
    unit = ctx.departments.get("XXZX")
    rows = [
        {
            "kind": kind,
            "title": title,
            "held_on": ctx.now.date() - timedelta(days=days_ago),
            "content": content,
            "findings": findings,
            "department_id": unit.id if unit and findings else None,
            "task_id": None,
            **stamps(ctx),
        }
        for kind, title, days_ago, content, findings in DRILLS
        if title not in have
    ]
    insert_rows(session, HallDrill, rows)
