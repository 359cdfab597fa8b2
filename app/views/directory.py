"""The IT administrator's view of the directory settings and the group-to-role mapping."""

from flask import current_app
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.const import AUTH_LDAP
from flask_babel import gettext as _

from app.extensions import db
from app.models import LoginThrottle
from app.models.base import utcnow


class DirectoryView(BaseView):
    route_base = "/directory"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        cfg = current_app.config
        settings = [(_("认证方式"), _mode(cfg))]
        if cfg.get("AUTH_MODE") == "cas":
            settings += _cas_settings(cfg)
        settings += [
            (_("目录服务器"), cfg.get("AUTH_LDAP_SERVER")),
            (_("连接加密（TLS）"), _("是") if cfg.get("AUTH_LDAP_USE_TLS") else _("否")),
            (_("人员检索基准"), cfg.get("AUTH_LDAP_SEARCH")),
            (_("账号属性"), cfg.get("AUTH_LDAP_UID_FIELD")),
            (_("部门属性"), cfg.get("LDAP_DEPARTMENT_FIELD")),
            (
                _("在编在岗属性"),
                "{field} ∈ {values}".format(
                    field=cfg.get("LDAP_STAFF_FIELD"),
                    values="、".join(cfg.get("LDAP_STAFF_VALUES", [])),
                ),
            ),
            (_("群组属性"), cfg.get("AUTH_LDAP_GROUP_FIELD")),
            (_("群组检索基准"), cfg.get("LDAP_GROUP_BASE") or _("（未设置）")),
            (_("连接超时（秒）"), cfg.get("LDAP_TIMEOUT_SECONDS")),
            (_("本地应急管理员"), "、".join(cfg.get("LOCAL_ADMIN_USERS", []))),
            (
                _("连续失败锁定"),
                _("{n} 次，锁定 {m} 分钟").format(
                    n=cfg.get("LOCKOUT_THRESHOLD"), m=cfg.get("LOCKOUT_MINUTES")
                ),
            ),
        ]
        locked = (
            db.session.query(LoginThrottle)
            .filter(LoginThrottle.locked_until > utcnow())
            .order_by(LoginThrottle.locked_until.desc())
            .all()
        )
        return self.render_template(
            "security/directory.html",
            settings=settings,
            mapping=sorted(cfg.get("AUTH_ROLES_MAPPING", {}).items()),
            locked=locked,
            title=_("统一身份认证设置"),
        )


def _mode(cfg):
    if cfg.get("AUTH_MODE") == "cas":
        return _("统一身份认证（CAS）")
    return _("统一身份认证（LDAP）") if cfg["AUTH_TYPE"] == AUTH_LDAP else _("本地账号")


def _cas_settings(cfg):
    from_ldap = cfg.get("CAS_USER_SOURCE") == "ldap"
    return [
        (_("CAS 服务器"), cfg.get("CAS_SERVER_URL")),
        (_("CAS 协议版本"), cfg.get("CAS_VERSION")),
        (_("本系统的 CAS 服务地址"), cfg.get("CAS_SERVICE_URL") or _("（按请求地址生成）")),
        (
            _("部门与群组来源"),
            _("目录（按 CAS 用户名检索）") if from_ldap else _("CAS 属性"),
        ),
        (_("CAS 部门属性"), cfg.get("CAS_ATTRIBUTE_DEPARTMENT")),
        (_("CAS 群组属性"), cfg.get("CAS_ATTRIBUTE_GROUPS")),
    ]
