"""The hall's technical emergency plan and its drills (measures art. 4(2)⑤): a drill's findings
become one rectification task of the department responsible, linked back to the drill."""

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import ConsoleUser, HallDrill, RectificationTask
from app.services.access import permissions
from app.services.errors import DomainError
from app.services.ledger import rectification


def open_task(session: Session, drill: HallDrill, user: ConsoleUser) -> RectificationTask:
    """Open the ledger task of a drill's findings (once per drill)."""
    permissions.ensure(user, "keep_drills")
    if drill.kind != "drill":
        raise DomainError(_("只有应急演练可以生成整改任务。"))
    if drill.task_id:
        raise DomainError(_("该演练已生成整改任务。"))
    findings = [line.strip() for line in (drill.findings or "").splitlines() if line.strip()]
    if not findings:
        raise DomainError(_("请先填写演练发现的问题。"))
    if drill.department_id is None:
        raise DomainError(_("请先选择整改责任部门。"))
    task = rectification.open_task(
        session,
        user,
        source="drill",
        department=drill.department_id,
        title=_("应急演练整改：{title}").format(title=drill.title),
        description="\n".join(findings),
        category="security_risk",
        source_ref=drill.id,
    )
    drill.task_id = task.id
    session.flush()
    return task
