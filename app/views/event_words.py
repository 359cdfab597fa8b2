"""What audit entries store besides a record's columns (login results, print events, the
password change kind...), said as the pages say it. Read by histories and the audit page."""

from flask_babel import lazy_gettext as _l

EVENT_KEYS = {
    "reason": _l("结果"),
    "unlocked": _l("解除锁定"),
    "password": _l("密码"),
    "body": _l("意见内容"),
    "print": _l("打印"),
    "kind": _l("类型"),
    "decision_id": _l("审核记录编号"),
    "signature": _l("电子签名"),
    "as_admin": _l("管理员审核"),
    "note": _l("说明"),
    "roles": _l("角色"),
    "permissions": _l("权限"),
    "name": _l("名称"),
    "last_login": _l("最近登录"),
    "login_count": _l("登录次数"),
    "fail_login_count": _l("连续登录失败次数"),
    "password_changed_at": _l("密码修改时间"),
    "active": _l("启用"),
    "changed_on": _l("修改时间"),
    "created_on": _l("创建时间"),
    "first_name": _l("名"),
    "last_name": _l("姓"),
    "email": _l("电子邮箱"),
    "username": _l("用户名"),
    "department_id": _l("所属部门"),
    "staff_no": _l("工号"),
    "source": _l("账号来源"),
}
EVENT_VALUES = {
    "ok": _l("登录成功"),
    "changed": _l("本人修改"),
    "reset": _l("管理员重置"),
    "wrong password": _l("密码错误"),
    "unknown user": _l("用户不存在"),
    "directory refused": _l("统一身份认证拒绝"),
    "locked": _l("账号已锁定"),
    "inactive": _l("账号已停用"),
    "decision": _l("审批记录"),
    "sheet": _l("表单"),
}


def event_value(value, keys=EVENT_KEYS) -> str:
    """A stored event value in words: 是/否, lists joined with 、, {key: value} as 键：值."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("是") if value else _l("否"))
    if isinstance(value, list):
        return "、".join(event_value(v, keys) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(
            f"{keys.get(k, k)}：{event_value(v, keys)}"
            for k, v in value.items()
            if k != "decision_id"
        )
    parts = [str(EVENT_VALUES.get(part.strip(), part.strip())) for part in str(value).split(";")]
    return "；".join(parts)
