"""Uploaded application materials: type and size limits, a content hash, and a check that the
content is what its name says (a renamed executable is refused).

A file's type is read from its name's extension and must be one of `TYPES`; its first bytes
must carry that type's signature. The bytes are kept under the instance folder's `uploads`
directory, named by their SHA-256 (never by the applicant's file name), and the `CaseFile` row
keeps the name, type, size and hash.
"""

import hashlib
import os
from pathlib import Path, PurePath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Case, CaseFile, Material
from app.services.errors import DomainError

# {extension: (content type, the signatures its content starts with)}
TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    return int(current_app.config.get("CASE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def uploads_dir() -> Path:
    base = current_app.config.get("INSTANCE_DIR") or current_app.instance_path
    return Path(base) / "uploads"


def clean_name(filename: str) -> str:
    """The file's own name without any folder a browser or a crafted request put before it."""
    name = PurePath((filename or "").replace("\\", "/")).name.strip()
    if not name:
        raise DomainError(_("文件没有名称。"))
    return name[:255]


def check(filename: str, data: bytes, declared_type: str | None = None) -> str:
    """The content type of an acceptable file; DomainError saying why a file is refused."""
    name = clean_name(filename)
    extension = os.path.splitext(name)[1].lower()
    if extension not in TYPES:
        allowed = "、".join(sorted({ext.lstrip(".") for ext in TYPES}))
        raise DomainError(
            _("不支持“{name}”的文件类型，请上传以下类型：{types}。").format(
                name=name, types=allowed
            )
        )
    if not data:
        raise DomainError(_("文件“{name}”是空的。").format(name=name))
    limit = max_bytes()
    if len(data) > limit:
        raise DomainError(
            _("文件“{name}”超过 {mb} MB，不能上传。").format(name=name, mb=limit // (1024 * 1024))
        )
    content_type, signatures = TYPES[extension]
    if not any(data.startswith(signature) for signature in signatures):
        raise DomainError(_("文件“{name}”的内容与其类型不符，不能上传。").format(name=name))
    if declared_type and declared_type not in (content_type, "application/octet-stream"):
        raise DomainError(_("文件“{name}”的内容与其类型不符，不能上传。").format(name=name))
    return content_type


def store(
    session: Session,
    case: Case,
    material: Material | None,
    filename: str,
    data: bytes,
    declared_type: str | None = None,
) -> CaseFile:
    """Check a file, keep its bytes under the uploads folder and add its row to the case."""
    content_type = check(filename, data, declared_type)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}"
    path = uploads_dir() / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)
    row = CaseFile(
        case=case,
        material=material,
        filename=clean_name(filename),
        content_type=content_type,
        size=len(data),
        sha256=digest,
        stored_as=relative,
    )
    session.add(row)
    return row


def read(row: CaseFile) -> bytes:
    """The bytes of a stored file, checked against its hash."""
    data = (uploads_dir() / row.stored_as).read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise DomainError(_("文件“{name}”已被改动，与上传时不一致。").format(name=row.filename))
    return data
