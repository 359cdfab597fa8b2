"""What the templates and exports contain: the records in the user's scope, read in few queries.

Every function takes the user and an optional department; a department contact always gets
their own department only (`app.services.access.scope`). Exports announce an audited `export` event;
the caller commits. The whole-college attachment 3 is read as plain columns and streamed to a
`constant_memory` workbook, so 100,000 items need neither ORM objects nor a big heap.
"""

from collections.abc import Iterator
from types import SimpleNamespace

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from app.models import Contact, Department, InformationSystem, ProcessNode, ServiceItem
from app.models.labels import labels
from app.models.user import Actor
from app.reports import sheets as writer
from app.services.access import scope
from app.services.errors import DomainError, PermissionDeniedError
from app.services.sheets.specs import template
from app.services.sheets.values import system_label
from app.services.trail import audit

MAX_ITEM_SHEETS = 300


def resolve_department(
    session: Session, user: Actor, department_code: str | None = None
) -> Department | None:
    """The department an export or template covers (None: the whole college).

    A contact gets their own department whatever they ask for; another department is refused.
    """
    own = scope.scope_department_id(user)
    requested = None
    if department_code:
        requested = session.scalar(select(Department).where(Department.code == department_code))
        if requested is None:
            raise DomainError(_("部门“{code}”不存在。").format(code=department_code))
    if own is None:
        return requested
    if own == -1:
        raise PermissionDeniedError(_("您的账号未关联部门。"))
    if requested is not None and requested.id != own:
        raise PermissionDeniedError(_("只能导出本部门的数据。"))
    return session.get(Department, own)


def _scoped(query, model, user, department):
    query = scope.apply_scope(query, model, user)
    if department is not None:
        query = query.where(model.department_id == department.id)
    return query


def subtitle(department: Department | None) -> str:
    return department.name if department is not None else _("全校")


def _dropdowns(session, user, department):
    departments = session.scalars(
        select(Department).order_by(Department.sort_order, Department.code)
    ).all()
    own = [d.name for d in departments if department is None or d.id == department.id]
    systems = scope.hosting_system_choices(user, session.query(InformationSystem)).order_by(
        InformationSystem.code
    )
    return {
        "department": own,
        "handling_department": [d.name for d in departments],
        "system": [system_label(s) for s in systems],
    }


def _items(session, user, department, children=False):
    query = _scoped(select(ServiceItem), ServiceItem, user, department).order_by(ServiceItem.code)
    if children:
        query = query.options(
            selectinload(ServiceItem.materials),
            selectinload(ServiceItem.nodes).joinedload(ProcessNode.handling_department),
        )
    return session.scalars(query).unique()


def _rows(session, user, code, department):
    if code == "contacts":
        query = _scoped(select(Contact), Contact, user, department).order_by(
            Contact.department_id, Contact.id
        )
        own = scope.scope_department_id(user)
        units = select(Department).order_by(Department.sort_order, Department.code)
        if department is not None or own is not None:
            units = units.where(Department.id == (department.id if department else own))
        departments, contacts = template(code).sheets
        return {
            departments.title: session.scalars(units),
            contacts.title: session.scalars(query).unique(),
        }
    if code == "systems":
        query = _scoped(select(InformationSystem), InformationSystem, user, department).order_by(
            InformationSystem.code
        )
        return {str(template(code).sheets[0].title): session.scalars(query).unique()}
    if code == "statistics":
        return {str(template(code).sheets[0].title): statistics_rows(session, user, department)}
    items = list(_items(session, user, department, children=True))
    materials = [m for item in items for m in item.materials]
    nodes = [n for item in items for n in item.nodes]
    sheets = template(code).sheets
    return {sheets[0].title: items, sheets[1].title: materials, sheets[2].title: nodes}


def statistics_rows(
    session: Session, user: Actor, department: Department | None
) -> Iterator[SimpleNamespace]:
    """Attachment 3 as light rows, streamed from one query over items, departments and hosts."""
    host = aliased(InformationSystem)
    query = (
        select(
            ServiceItem.code,
            ServiceItem.name,
            Department.name.label("dept"),
            host.id.label("host_id"),
            host.code.label("host_code"),
            host.name.label("host_name"),
            ServiceItem.online_entry,
            ServiceItem.user_groups,
            ServiceItem.audience_note,
            ServiceItem.running_status,
            ServiceItem.status,
            ServiceItem.version,
        )
        .join(Department, ServiceItem.department_id == Department.id)
        .outerjoin(host, ServiceItem.hosting_system_id == host.id)
        .order_by(ServiceItem.code)
    )
    query = _scoped(query, ServiceItem, user, department)
    for row in session.execute(query.execution_options(yield_per=5000)):
        yield SimpleNamespace(
            code=row.code,
            name=row.name,
            department=SimpleNamespace(name=row.dept),
            hosting_system=SimpleNamespace(code=row.host_code, name=row.host_name)
            if row.host_id is not None
            else None,
            online_entry=row.online_entry,
            user_groups=row.user_groups,
            audience_note=row.audience_note,
            running_status=row.running_status,
            status=row.status,
            version=row.version,
        )


def template_workbook(
    session: Session, user: Actor, code: str, department_code: str | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of the template `code` pre-filled with the user's department."""
    department = resolve_department(session, user, department_code)
    spec = template(code)
    data = writer.write_workbook(
        spec,
        _rows(session, user, code, department),
        subtitle(department),
        dropdowns=_dropdowns(session, user, department),
        constant_memory=True,
    )
    _audit(session, _("下载模板"), spec.title, department)
    return _file_name(spec.title, department), data


def export_workbook(
    session: Session, user: Actor, code: str, department_code: str | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of attachment 3 or 4 for one department or the whole college."""
    if code not in ("statistics", "systems"):
        raise DomainError(_("没有这种导出。"))
    department = resolve_department(session, user, department_code)
    spec = template(code)
    data = writer.write_workbook(
        spec, _rows(session, user, code, department), subtitle(department), constant_memory=True
    )
    _audit(session, _("导出"), spec.title, department)
    return _file_name(spec.title, department), data


def item_sheets_workbook(
    session: Session, user: Actor, department_code: str | None = None, item_id: int | None = None
) -> tuple[str, bytes]:
    """(file name, bytes) of 一事一单: one sheet per service item with its flowchart."""
    from app.reports.flowchart import flowchart

    department = resolve_department(session, user, department_code)
    if item_id is not None:
        item = scope.ensure_visible(user, session.get(ServiceItem, item_id))
        items = [item]
        department = item.department
        name = f"{item.code} {item.name}"
    else:
        query = _scoped(select(ServiceItem.id), ServiceItem, user, department)
        count = len(session.scalars(query.limit(MAX_ITEM_SHEETS + 1)).all())
        if count > MAX_ITEM_SHEETS:
            raise DomainError(
                _("事项超过 {n} 个，请按部门分别导出“一事一单”。").format(n=MAX_ITEM_SHEETS)
            )
        items = list(_items(session, user, department, children=True))
        name = subtitle(department)
    data = writer.write_item_sheets(
        items, labels(ServiceItem), lambda i: flowchart(i.nodes, "png"), name
    )
    _audit(session, _("导出"), _("一事一单"), department)
    return _file_name(_("一事一单"), department, name if item_id else None), data


def _audit(session, verb, title, department):
    audit.record_event(
        session,
        "export",
        record_type="sheet",
        department_id=department.id if department is not None else None,
        summary=f"{verb}：{title}（{subtitle(department)}）",
    )


def _file_name(title, department, extra=None):
    return "{}-{}.xlsx".format(str(title).split(" ")[-1], extra or subtitle(department))
