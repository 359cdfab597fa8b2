"""The OpenAPI 3 document of /api/v1/, generated from the resource table, and its reader.

`document()` builds it with apispec (which FAB already depends on) from `resources.RESOURCES`,
the published-list routes and the token scopes, with Chinese summaries and descriptions; the
reader is FAB's bundled Swagger UI (its own static files), started by a script file under
app/static, so nothing comes from another origin and the page's CSP holds.
"""

from apispec import APISpec
from flask import current_app, jsonify, render_template
from flask_babel import gettext as _

from app.services.access.tokens import SCOPES

from .fields import field_schema, required_on_create
from .records import TASK_MOVES
from .resources import (
    MAX_PAGE,
    MAX_PAGE_SIZE,
    RESOURCES,
    Resource,
)

ERROR = {"$ref": "#/components/schemas/Error"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _errors(*statuses):
    words = {
        400: _("请求参数或内容无效"),
        401: _("缺少访问令牌，或令牌无效、已过期、已吊销"),
        403: _("令牌缺少权限范围，或用户的角色不能执行此操作"),
        404: _("记录不存在，或不在用户的部门范围内"),
        409: _("版本冲突（记录已被他人修改或未提供 version），或状态不允许"),
        422: _("幂等键已用于另一个不同的请求"),
        429: _("请求过于频繁"),
    }
    return {str(s): _error(words[s]) for s in statuses}


def _json(schema, description):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _schema_names(resource: Resource) -> tuple[str, str, str]:
    base = resource.name.capitalize()
    return base, base + "Create", base + "Update"


def _record_schema(resource: Resource) -> dict:
    props = {name: field_schema(resource.model, name) for name in resource.fields}
    if "materials" in resource.embedded:
        props["materials"] = {"type": "array", "items": _ref("Materials")}
        props["nodes"] = {"type": "array", "items": _ref("Nodes")}
    if "overdue" in resource.embedded:
        props["overdue"] = {"type": "boolean", "description": _("是否逾期")}
    return {
        "type": "object",
        "description": str(resource.title),
        "properties": props,
        "required": list(resource.all_fields()),
    }


def _write_schema(resource: Resource, creating: bool) -> dict:
    names = [n for n in resource.writable if creating or n not in resource.create_only]
    props = {name: field_schema(resource.model, name) for name in names}
    schema = {"type": "object", "properties": props, "additionalProperties": False}
    if creating:
        schema["required"] = required_on_create(resource)
    else:
        props["version"] = {**ID, "description": _("修改所依据的版本号（乐观锁）")}
        schema["required"] = ["version"]
    return schema


def _page_params():
    return [
        {
            "name": "page",
            "in": "query",
            "description": _("页码，从 1 开始"),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "description": _("每页条数，最多 {n} 条").format(n=MAX_PAGE_SIZE),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
        },
    ]


def _filter_params(resource: Resource):
    params = []
    for name in resource.filters:
        schema = field_schema(resource.model, name)
        schema.pop("nullable", None)
        schema.pop("description", None)
        params.append(
            {
                "name": name,
                "in": "query",
                "description": _("按此字段筛选"),
                "schema": schema,
            }
        )
    if resource.search:
        params.append(
            {
                "name": "q",
                "in": "query",
                "description": _("检索词（匹配：{fields}）").format(
                    fields="、".join(resource.search)
                ),
                "schema": {"type": "string", "maxLength": 100},
            }
        )
    return params


def _idempotency_param():
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": _("幂等键：同一键与同一请求在一天内重试只执行一次，返回第一次的结果"),
        "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[ -~]+$"},
    }


def _id_param():
    return {"name": "id", "in": "path", "required": True, "schema": ID}


def _resource_paths(spec: APISpec, resource: Resource) -> None:
    name, create, update = _schema_names(resource)
    spec.components.schema(name, _record_schema(resource))
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
            "page": {"type": "integer"},
            "page_size": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "required": ["items", "page", "page_size", "total"],
    }
    title = str(resource.title)
    tag = title
    read, write = resource.read_scope, resource.write_scope
    collection = {
        "get": {
            "tags": [tag],
            "summary": _("列出{title}").format(title=title),
            "description": _("按用户的部门范围列出；需要权限范围 {scope}。").format(scope=read),
            "operationId": f"list_{resource.name}",
            "parameters": _page_params() + _filter_params(resource),
            "responses": {"200": _json(page, _("一页记录")), **_errors(400, 401, 403, 429)},
        }
    }
    item = {
        "get": {
            "tags": [tag],
            "summary": _("读取{title}").format(title=title),
            "description": _("需要权限范围 {scope}；范围外的记录答 404。").format(scope=read),
            "operationId": f"read_{resource.name}",
            "parameters": [_id_param()],
            "responses": {"200": _json(_ref(name), title), **_errors(401, 403, 404, 429)},
        }
    }
    if resource.writes:
        spec.components.schema(create, _write_schema(resource, creating=True))
        spec.components.schema(update, _write_schema(resource, creating=False))
        collection["post"] = {
            "tags": [tag],
            "summary": _("新增{title}").format(title=title),
            "description": _("与页面相同的填报规则；需要权限范围 {scope}。").format(scope=write),
            "operationId": f"create_{resource.name}",
            "parameters": [_idempotency_param()],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(create)}},
            },
            "responses": {
                "201": _json(_ref(name), _("已新增")),
                **_errors(400, 401, 403, 404, 409, 422, 429),
            },
        }
        item["patch"] = {
            "tags": [tag],
            "summary": _("修改{title}").format(title=title),
            "description": _(
                "须带上所依据的 version；版本不符答 409。需要权限范围 {scope}。"
            ).format(scope=write),
            "operationId": f"update_{resource.name}",
            "parameters": [_id_param()],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(update)}},
            },
            "responses": {
                "200": _json(_ref(name), _("已修改")),
                **_errors(400, 401, 403, 404, 409, 429),
            },
        }
        if resource.deletable:
            item["delete"] = {
                "tags": [tag],
                "summary": _("删除{title}").format(title=title),
                "description": _("须以查询参数 version 给出所依据的版本。"),
                "operationId": f"delete_{resource.name}",
                "parameters": [
                    _id_param(),
                    {"name": "version", "in": "query", "required": True, "schema": ID},
                ],
                "responses": {
                    "204": {"description": _("已删除")},
                    **_errors(400, 401, 403, 404, 409, 429),
                },
            }
    spec.path(path=f"/api/v1/{resource.name}", operations=collection)
    spec.path(path=f"/api/v1/{resource.name}/{{id}}", operations=item)
    for move in resource.moves:
        spec.path(
            path=f"/api/v1/{resource.name}/{{id}}/{move}",
            operations={
                "post": {
                    "tags": [tag],
                    "summary": {"submit": _("提交审核"), "withdraw": _("撤回提交")}[move],
                    "description": _("与审核页面相同的流转规则；需要权限范围 {scope}。").format(
                        scope=write
                    ),
                    "operationId": f"{move}_{resource.name}",
                    "parameters": [_id_param(), _idempotency_param()],
                    "requestBody": {
                        "required": False,
                        "content": {"application/json": {"schema": _ref("Move")}},
                    },
                    "responses": {
                        "200": _json(_ref(name), _("已流转")),
                        **_errors(400, 401, 403, 404, 409, 422, 429),
                    },
                }
            },
        )


def _task_move_path(spec: APISpec) -> None:
    spec.components.schema(
        "TaskMove",
        {
            "type": "object",
            "properties": {
                "action": {"type": "string", "enum": list(TASK_MOVES)},
                "reason": {"type": "string", "maxLength": 2000, "description": _("延期原因或说明")},
                "evidence": {"type": "string", "maxLength": 2000, "description": _("完成佐证")},
                "new_deadline": {"type": "string", "format": "date", "nullable": True},
                "version": {**ID, "description": _("所依据的版本号（可选）")},
            },
            "required": ["action"],
            "additionalProperties": False,
        },
    )
    spec.path(
        path="/api/v1/tasks/{id}/move",
        operations={
            "post": {
                "tags": [_("整改任务")],
                "summary": _("推进整改任务"),
                "description": _("开始、延期（须写原因）、恢复、完成（须写佐证）、重新打开。"),
                "operationId": "move_tasks",
                "parameters": [_id_param(), _idempotency_param()],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("TaskMove")}},
                },
                "responses": {
                    "200": _json(_ref("Tasks"), _("已流转")),
                    **_errors(400, 401, 403, 404, 409, 422, 429),
                },
            }
        },
    )


def document() -> dict:
    """The OpenAPI 3 document of the API (in the request's language)."""
    spec = APISpec(
        title=_("服务治理平台接口"),
        version="1.0.0",
        openapi_version="3.0.3",
        info={
            "description": _(
                "以个人令牌或服务账号令牌（Authorization: Bearer …）调用。每次调用与页面一样经过"
                "角色权限与部门范围检查：范围外的记录答 404；修改须带 version（冲突答 409）；"
                "新增可带 Idempotency-Key。令牌由信息中心安全管理员在“接口令牌”页面创建与吊销。"
                "权限范围：{scopes}。"
            ).format(scopes="；".join(f"{k} {v}" for k, v in SCOPES.items()))
        },
    )
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema(
        "Error",
        {
            "type": "object",
            "properties": {"message": {"type": "string", "description": _("中文说明")}},
            "required": ["message"],
        },
    )
    spec.components.schema(
        "Move",
        {
            "type": "object",
            "properties": {"version": {**ID, "description": _("所依据的版本号（可选）")}},
            "additionalProperties": False,
        },
    )
    for resource in RESOURCES:
        _resource_paths(spec, resource)
    _task_move_path(spec)
    from .spec_lists import list_paths  # it builds on this module's helpers

    list_paths(spec)
    data = spec.to_dict()
    data["security"] = [{"token": []}]
    return data


def openapi():
    return jsonify(document())


def docs():
    return render_template(
        "api/docs.html",
        spec_url="/api/v1/openapi.json",
        title=_("接口文档"),
        debug=current_app.debug,
    )
