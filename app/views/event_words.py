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
    "second_factor": _l("两步验证"),
    "user_agent": _l("浏览器"),
    "mail": _l("邮件通知"),
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
    "too soon": _l("尝试过于频繁"),
    "challenge failed": _l("图片验证码错误"),
    "invalid username": _l("用户名无效"),
    "empty password": _l("密码为空"),
    "invalid password": _l("密码无效"),
    "local account in directory mode": _l("统一身份认证模式下本地账号不能登录"),
    "password ok, code pending": _l("密码正确，待输入动态验证码"),
    "second factor not enrolled": _l("尚未绑定两步验证"),
    "not enrolled": _l("尚未绑定两步验证"),
    "second factor expired": _l("两步验证已超时"),
    "wrong second factor": _l("动态验证码错误"),
    "wrong second factor (enrolment)": _l("动态验证码错误（绑定时）"),
    "directory unavailable": _l("统一身份认证不可用"),
    "no mapped role": _l("没有对应的角色"),
    "separated roles": _l("三员角色冲突"),
    "emergency admin outside trusted networks": _l("应急管理员不在可信网络内"),
    "totp": _l("动态验证码"),
    "totp (enrolled)": _l("动态验证码（首次绑定）"),
    "recovery code": _l("恢复码"),
    "recovery codes issued": _l("已发放恢复码"),
    "enrolled": _l("已绑定两步验证"),
    "not configured": _l("未配置邮件服务"),
    "no recipient": _l("没有收件人"),
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
