"""The OpenAPI paths of the published lists (for the portal's 服务专栏), beside the records'."""

from apispec import APISpec
from flask_babel import gettext as _

from app.services.publish import lists
from app.views.download import XLSX_MIMETYPE

from .spec import ID, _errors, _json, _page_params, _ref


def list_paths(spec: APISpec) -> None:
    """The published lists' paths: their versions, each list as JSON or XLSX, with caching."""
    tag = _("已发布清单")
    cached = {
        "304": {"description": _("未变化（If-None-Match 与 ETag 相同）")},
    }
    meta = {
        "type": "object",
        "properties": {
            "number": {"type": "integer"},
            "published_at": {"type": "string", "format": "date-time"},
            "signer": {"type": "string"},
            "item_count": {"type": "integer"},
            "publicity_start": {"type": "string", "format": "date", "nullable": True},
            "publicity_end": {"type": "string", "format": "date", "nullable": True},
            "content_hash": {"type": "string"},
            "lists": {"type": "object"},
        },
        "required": ["number", "published_at", "item_count", "lists"],
    }
    spec.components.schema("Publication", meta)
    number = {"name": "number", "in": "path", "required": True, "schema": ID}
    kind = {
        "name": "kind",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(lists.LIST_KINDS)},
        "description": _("responsibility 责任清单，service 服务清单，approval 审批清单"),
    }
    etag = {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "maxLength": 200},
    }
    common = _errors(401, 403, 404, 429)
    spec.path(
        path="/api/v1/lists",
        operations={
            "get": {
                "tags": [tag],
                "summary": _("已发布清单的各个版本"),
                "description": _("需要权限范围 lists:read；带 ETag，可用 If-None-Match 取 304。"),
                "operationId": "list_versions",
                "parameters": [etag],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "latest": {"type": "integer", "nullable": True},
                                "versions": {"type": "array", "items": _ref("Publication")},
                            },
                            "required": ["latest", "versions"],
                        },
                        _("各版本"),
                    ),
                    **cached,
                    **_errors(401, 403, 429),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/lists/{number}",
        operations={
            "get": {
                "tags": [tag],
                "summary": _("一个版本的说明"),
                "operationId": "read_version",
                "parameters": [number, etag],
                "responses": {"200": _json(_ref("Publication"), _("版本")), **cached, **common},
            }
        },
    )
    spec.path(
        path="/api/v1/lists/{number}/items",
        operations={
            "get": {
                "tags": [tag],
                "summary": _("一个版本中各事项的公开内容（一事一单）"),
                "operationId": "version_items",
                "parameters": [number, etag] + _page_params(),
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "number": {"type": "integer"},
                                "items": {"type": "array", "items": {"type": "object"}},
                                "page": {"type": "integer"},
                                "page_size": {"type": "integer"},
                                "total": {"type": "integer"},
                            },
                            "required": ["number", "items", "page", "page_size", "total"],
                        },
                        _("一页事项"),
                    ),
                    **cached,
                    **_errors(400, 401, 403, 404, 429),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/lists/{number}/{kind}",
        operations={
            "get": {
                "tags": [tag],
                "summary": _("一份清单（JSON，与 XLSX 相同的列）"),
                "operationId": "read_list",
                "parameters": [number, kind, etag],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "number": {"type": "integer"},
                                "kind": {"type": "string"},
                                "title": {"type": "string"},
                                "columns": {"type": "array", "items": {"type": "string"}},
                                "rows": {"type": "array", "items": {"type": "array", "items": {}}},
                            },
                            "required": ["number", "kind", "title", "columns", "rows"],
                        },
                        _("清单"),
                    ),
                    **cached,
                    **common,
                },
            }
        },
    )
    xlsx = XLSX_MIMETYPE
    spec.path(
        path="/api/v1/lists/{number}/{kind}.xlsx",
        operations={
            "get": {
                "tags": [tag],
                "summary": _("一份清单（XLSX）"),
                "operationId": "download_list",
                "parameters": [number, kind, etag],
                "responses": {
                    "200": {
                        "description": _("XLSX 文件"),
                        "content": {xlsx: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **cached,
                    **common,
                },
            }
        },
    )
