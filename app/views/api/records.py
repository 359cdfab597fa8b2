"""The record endpoints: list, read, add, change, delete and the workflow moves of each
`Resource`, through the same permissions, scope, form rules and commit as the pages.

- reading needs the token's `<scope>:read`, the page's can_list / can_show and the `view`
  action; lists go through `scope.apply_scope`, one record through `scope.ensure_visible`
  (another department's record answers 404, like a missing one);
- writing needs `<scope>:write` and the page's can_add / can_edit / can_delete, then runs the
  page's own hooks (`records.before_create / before_update / before_delete`: the department
  scope, the role, the record's state, the workflow's revise), inside `one_transaction`;
- a change or delete names the version it was made from (`version`): another version, or
  none, answers 409 (`records.check_version`, the pages' rule);
- a POST with an `Idempotency-Key` keeps its answer for a day: the same key and body get the
  same answer again, and no second record (`idempotency`).
"""

from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app.extensions import db
from app.services.access import permissions, scope
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification
from app.services.review import records, workflow

from ..params import bounded_int
from ..transaction import one_transaction
from . import idempotency
from .auth import need_page_permission, need_scope
from .fields import column, parse_value, required_on_create, serialize
from .resources import (
    BY_NAME,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    RELATIONS,
    Resource,
)

TASK_MOVES = tuple(sorted({action for _status, action in rectification.TRANSITIONS}))


def _bad(message):
    return DomainError(message)


def page_args() -> tuple[int, int]:
    page = request.args.get("page", "1")
    size = request.args.get("page_size", str(DEFAULT_PAGE_SIZE))
    page_no = bounded_int(page, minimum=1, maximum=MAX_PAGE)
    size_no = bounded_int(size, minimum=1, maximum=MAX_PAGE_SIZE)
    if page_no is None or size_no is None:
        raise _bad(
            _("分页参数无效：page 为 1 到 {p}，page_size 为 1 到 {s}。").format(
                p=MAX_PAGE, s=MAX_PAGE_SIZE
            )
        )
    return page_no, size_no


def _filter_value(resource, name, raw):
    kind = column(resource.model, name).type.python_type
    if kind is int:
        value = bounded_int(raw)
        if value is None:
            raise _bad(_("筛选参数 {name} 应为正整数。").format(name=name))
        return value
    return raw


def _read(resource: Resource, permission: str) -> None:
    need_scope(resource.read_scope)
    need_page_permission(permission, resource.view)
    permissions.ensure(g.user, "view")


def list_records(resource: Resource):
    _read(resource, "can_list")
    known = {"page", "page_size", "q", *resource.filters}
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise _bad(_("不支持的查询参数：{names}").format(names="、".join(unknown)))
    model = resource.model
    query = scope.apply_scope(select(model), model, g.user)
    for name in resource.filters:
        if name in request.args:
            query = query.where(
                getattr(model, name) == _filter_value(resource, name, request.args[name])
            )
    text = (request.args.get("q") or "").strip()
    if len(text) > 100:
        raise _bad(_("检索词不能超过 100 个字。"))
    if text and resource.search:
        query = query.where(or_(*(getattr(model, c).contains(text) for c in resource.search)))
    page, size = page_args()
    session = db.session
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(
        query.order_by(*(getattr(model, c) for c in resource.order))
        .limit(size)
        .offset((page - 1) * size)
    ).unique()
    return jsonify(
        items=[serialize(resource, row) for row in rows], page=page, page_size=size, total=total
    )


def load(resource: Resource, pk: int):
    """The record if it exists and lies in the caller's scope, else 404."""
    return scope.ensure_visible(g.user, db.session.get(resource.model, pk))


def read_record(resource: Resource, pk: int):
    _read(resource, "can_show")
    record = load(resource, pk)
    response = jsonify(serialize(resource, record))
    response.headers["ETag"] = f'W/"{record.version}"'
    return response


def _body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise _bad(_("请求内容应为 JSON 对象。"))
    return payload


def _only(values: dict, names: tuple[str, ...]) -> None:
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise _bad(_("以下字段不能写入：{names}").format(names="、".join(unknown)))


def _assign(resource: Resource, record, values: dict, creating: bool) -> None:
    """Set the writable fields given, as the page form would (relations as objects)."""
    allowed = set(resource.writable) - (set() if creating else set(resource.create_only))
    _only(values, tuple(allowed))
    if creating:
        missing = [n for n in required_on_create(resource) if values.get(n) is None]
        if missing:
            raise _bad(_("缺少必填字段：{names}").format(names="、".join(missing)))
    session = db.session
    for name, raw in values.items():
        value = parse_value(resource.model, name, raw)
        if name in RELATIONS:
            relation, target = RELATIONS[name]
            linked = session.get(target, value) if value is not None else None
            if value is not None and linked is None:
                raise _bad(_("字段 {field}：所选记录不存在。").format(field=name))
            if name == "item_id":
                linked = scope.ensure_visible(g.user, linked)
            if name == "hosting_system_id" and linked is not None:
                allowed_hosts = scope.hosting_system_choices(
                    g.user, session.query(target).filter(target.id == value)
                )
                if allowed_hosts.first() is None:
                    raise _bad(_("字段 {field}：所选记录不存在。").format(field=name))
            setattr(record, relation, linked)
        else:
            setattr(record, name, value)


def create_record(resource: Resource):
    need_scope(resource.write_scope)
    need_page_permission("can_add", resource.view)
    values = _body()

    def run():
        session = db.session
        record = resource.model(**resource.defaults)
        with session.no_autoflush:
            _assign(resource, record, values, creating=True)
        records.before_create(session, record, g.user)
        session.add(record)
        session.flush()
        return 201, serialize(resource, record)

    return idempotency.answer(run)


def _version(values: dict) -> int | None:
    seen = values.pop("version", None)
    return seen if isinstance(seen, int) and not isinstance(seen, bool) else None


def update_record(resource: Resource, pk: int):
    need_scope(resource.write_scope)
    need_page_permission("can_edit", resource.view)
    values = _body()
    seen = _version(values)
    with one_transaction(explain=True):
        session = db.session
        record = load(resource, pk)
        records.check_version(record, seen)
        with session.no_autoflush:
            _assign(resource, record, values, creating=False)
        records.before_update(session, record, g.user)
        session.flush()
        answer = serialize(resource, record)
    return jsonify(answer)


def delete_record(resource: Resource, pk: int):
    need_scope(resource.write_scope)
    need_page_permission("can_delete", resource.view)
    seen = bounded_int(request.args.get("version"))
    with one_transaction(explain=True):
        session = db.session
        record = load(resource, pk)
        records.check_version(record, seen)
        records.before_delete(session, record, g.user)
        session.delete(record)
    return "", 204


def move_record(resource: Resource, pk: int, move: str):
    """A workflow move (submit, withdraw) of a department record: the WorkflowView's rules."""
    need_scope(resource.write_scope)
    need_page_permission("can_submit", "WorkflowView")
    values = request.get_json(silent=True) if request.data else {}
    if not isinstance(values, dict):
        raise _bad(_("请求内容应为 JSON 对象。"))
    _only(values, ("version",))
    seen = _version(dict(values))

    def run():
        session = db.session
        record = load(resource, pk)
        if seen is not None:
            records.check_version(record, seen)
        getattr(workflow, move)(session, record, g.user)
        session.flush()
        return 200, serialize(resource, record)

    return idempotency.answer(run)


def move_task(pk: int):
    """A move of a rectification task (start, postpone, resume, complete, reopen)."""
    resource = BY_NAME["tasks"]
    need_scope(resource.write_scope)
    need_page_permission("can_update", "LedgerView")
    values = _body()
    _only(values, ("action", "reason", "evidence", "new_deadline", "version"))
    action = values.get("action")
    if action not in TASK_MOVES:
        raise _bad(_("action 应为 {moves} 之一。").format(moves="、".join(TASK_MOVES)))
    seen = _version(dict(values))
    texts = {k: values.get(k) for k in ("reason", "evidence")}
    if any(v is not None and not isinstance(v, str) for v in texts.values()):
        raise _bad(_("reason 与 evidence 应为字符串。"))
    deadline = values.get("new_deadline")
    if deadline is not None:
        deadline = parse_value(resource.model, "deadline", deadline)

    def run():
        session = db.session
        task = load(resource, pk)
        if seen is not None:
            records.check_version(task, seen)
        rectification.move(session, task, g.user, action, new_deadline=deadline, **texts)
        return 200, serialize(resource, task)

    return idempotency.answer(run)


def not_found():
    raise NotFoundError(_("记录不存在。"))
