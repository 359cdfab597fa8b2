"""Live items with filed handlers, and a second handler, for the case tests."""

from app.extensions import appbuilder
from app.models import ConsoleUser
from app.security.roles import HANDLER
from tests import factories as f

SECOND_HANDLER = "t_handler_b"


def second_handler(session) -> ConsoleUser:
    """A second filed-handler account of T01 (made once per run, like the fixture users)."""
    user = appbuilder.sm.find_user(username=SECOND_HANDLER)
    if user is None:
        user = appbuilder.sm.add_user(
            SECOND_HANDLER,
            "乙",
            "办理人",
            f"{SECOND_HANDLER}@example.edu.cn",
            appbuilder.sm.find_role(HANDLER),
            password=f.PASSWORD,
        )
        user.department_id = f.department(session).id
        session.commit()
    return user


def live_item(session, code="SI-CASE-1", nodes=None, **values):
    """An approved, online item whose nodes all have a filed handler (t_handler)."""
    values.setdefault("promised_limit", "5个工作日")
    item = f.service_item(
        session,
        code=code,
        conditions="在籍学生",
        lifecycle="online",
        approved_version_no=1,
        status="approved",
        **values,
    )
    f.material(session, item, name="申请表", position=1, required=True)
    f.material(session, item, name="补充说明", position=2, required=False)
    specs = nodes or [
        ("受理", "submit", "1个工作日"),
        ("部门审核", "review", "2个工作日"),
        ("办结", "complete", "1个工作日"),
    ]
    for position, (name, kind, limit) in enumerate(specs, start=1):
        node = f.process_node(
            session, item, name=name, position=position, kind=kind, time_limit=limit
        )
        f.handler_assignment(session, node, display_name="测试办理人")
    session.refresh(item)
    return item


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def completed_case(session, item, applicant, handler, result="已办结"):
    """A case of `applicant` for `item` taken through every node by `handler` to its result."""
    from app.services.cases import applying, handling

    case = applying.apply(session, item, applicant)
    applying.save_draft(session, case, applicant, note="申请", conditions_confirmed=True)
    applying.attach(session, case, applicant, item.materials[0], "申请表.pdf", PDF)
    applying.submit(session, case, applicant)
    while case.status != "completed":
        (task,) = [t for t in case.tasks if t.state == "open"][:1]
        task = handling.load_task(session, task.id, handler)
        last = task.node_name == "办结"
        if last:
            handling.complete(session, task, handler, f.PASSWORD, result)
        else:
            handling.approve(session, task, handler, f.PASSWORD, "同意")
    return case
