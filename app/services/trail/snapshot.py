"""Snapshots of records for versions and signatures: canonical JSON, hashes and diffs."""

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Columns that describe the row's bookkeeping rather than its content.
TECHNICAL = frozenset(
    {
        "id",
        "version",
        "created_at",
        "updated_at",
        "created_by_id",
        "updated_by_id",
        "status",
        "submitted_at",
        "submitted_by_id",
        "decided_at",
        "decided_by_id",
        "review_comment",
        "approved_version_no",
        "item_id",
        "incomplete",  # derived from the content (catalog.completeness_sql)
    }
)


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def row_fields(row: object) -> dict[str, Any]:
    return {
        c.key: _plain(getattr(row, c.key)) for c in row.__table__.columns if c.key not in TECHNICAL
    }


def snapshot(record: object, record_type: str) -> dict[str, Any]:
    """The record's content with its children, and readable names of what it points at."""
    data = row_fields(record)
    data["department_name"] = record.department.name if record.department else None
    if record_type == "service_item":
        data["hosting_system_name"] = record.hosting_system.name if record.hosting_system else None
        data["materials"] = [
            row_fields(m) for m in sorted(record.materials, key=lambda m: (m.position, m.id))
        ]
        data["nodes"] = [
            {
                **row_fields(n),
                "handling_department_name": n.handling_department.name
                if n.handling_department
                else None,
            }
            for n in sorted(record.nodes, key=lambda n: (n.position, n.id))
        ]
    return data


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_hash(data: Any) -> str:
    return sha256_hex(canonical_json(data))


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, Any]:
    """Field-level differences between two snapshots.

    Returns {"fields": {name: [before, after]}, children: {"added": [...], "removed": [...],
    "changed": [{"name":..., "fields": {...}}]}} for each child list that differs.
    """
    old, new = old or {}, new or {}
    result = {"fields": {}}
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if isinstance(before, list) or isinstance(after, list):
            child = _diff_children(before or [], after or [])
            if any(child.values()):
                result[key] = child
        elif before != after:
            result["fields"][key] = [before, after]
    return result


def _diff_children(before, after):
    def key(row):
        return (row.get("position"), row.get("name"))

    old_by_key = {key(r): r for r in before}
    new_by_key = {key(r): r for r in after}
    changed = []
    for k in old_by_key.keys() & new_by_key.keys():
        fields = {
            f: [old_by_key[k].get(f), new_by_key[k].get(f)]
            for f in set(old_by_key[k]) | set(new_by_key[k])
            if old_by_key[k].get(f) != new_by_key[k].get(f)
        }
        if fields:
            changed.append({"name": new_by_key[k].get("name"), "fields": fields})
    return {
        "added": [new_by_key[k] for k in new_by_key.keys() - old_by_key.keys()],
        "removed": [old_by_key[k] for k in old_by_key.keys() - new_by_key.keys()],
        "changed": sorted(changed, key=lambda c: str(c["name"])),
    }
