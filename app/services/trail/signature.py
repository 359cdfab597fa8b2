"""Electronic signatures (measures art. 13): password re-check and a keyed hash of the snapshot."""

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from app.models import ConsoleUser
from app.services.errors import ServiceUnavailableError, SignatureRefusedError
from app.services.trail.snapshot import canonical_json


def verify_password(user: ConsoleUser, password: str | None) -> None:
    """Check the signer's password again: locally, or against the directory for LDAP users.

    A directory that cannot be reached refuses the signature with ServiceUnavailableError
    (503): nothing is signed, and the caller changes nothing."""
    if not password:
        raise SignatureRefusedError(_("请输入您的登录密码以完成电子签名。"))
    source = getattr(user, "source", "local")
    if source == "cas" and current_app.config.get("CAS_USER_SOURCE") != "ldap":
        # The console never sees a CAS password; only a directory behind CAS can check one.
        raise SignatureRefusedError(
            _(
                "统一身份认证（CAS）账号的电子签名需要由目录核验密码，"
                "请联系信息中心配置 CAS_USER_SOURCE=ldap。"
            )
        )
    if source in ("ldap", "cas"):
        from app.security.ldap_auth import DirectoryUnavailable, check_directory_password

        try:
            ok = check_directory_password(user.username, password)
        except DirectoryUnavailable as error:
            raise ServiceUnavailableError(
                _("统一身份认证服务暂不可用，电子签名未完成，记录未作任何更改。请稍后再试。")
            ) from error
    else:
        ok = bool(user.password) and check_password_hash(user.password, password)
    if not ok:
        raise SignatureRefusedError(_("密码不正确，电子签名未完成。"))


def signature_hash(
    record_type: str,
    record_id: int,
    decision: str,
    signer_id: int,
    signed_at: datetime,
    snapshot_hash: str,
) -> str:
    """HMAC over what was signed, so a signature cannot be rewritten without the server key."""
    payload = canonical_json(
        {
            "record_type": record_type,
            "record_id": record_id,
            "decision": decision,
            "signer_id": signer_id,
            "signed_at": signed_at.isoformat(timespec="microseconds"),
            "snapshot_hash": snapshot_hash,
        }
    )
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def signer_display_name(user: ConsoleUser) -> str:
    """The name printed as the signature: family name then given name, as Chinese write it."""
    name = f"{user.last_name or ''}{user.first_name or ''}".strip()
    return name or user.username
