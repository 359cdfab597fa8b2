"""The console's SecurityManager: FAB's, with users bound to a department."""

import click
from flask import current_app, has_request_context, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView, UserLDAPModelView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.user import ConsoleUser
from app.services.errors import DomainError, PasswordRejected
from app.services.trail import clock
from app.views.base import blank_choice_text
from app.views.transaction import one_transaction

from . import admin_words
from .api import ConsoleSecurityApi
from .views import (
    ConsoleAuthDBView,
    ConsoleAuthLDAPView,
    ConsoleResetMyPasswordView,
    ConsoleResetPasswordView,
)


class _UserColumns:
    """Extra columns the IT administrator sees and edits on every user screen."""

    list_columns = [
        "username",
        "first_name",
        "last_name",
        "department",
        "roles",
        "source",
        "active",
        "last_login",
        "lock_state",
    ]
    search_columns = ["username", "first_name", "last_name", "email", "staff_no", "active"]
    label_columns = {
        "department": _l("所属部门"),
        "staff_no": _l("工号"),
        "source": _l("账号来源"),
        "lock_state": _l("锁定至"),
        "last_login": _l("最近登录"),
        # FAB's own user columns: its labels are English on the list.
        "username": _l("用户名"),
        "first_name": _l("名"),
        "last_name": _l("姓"),
        "email": _l("电子邮箱"),
        "roles": _l("角色"),
        "active": _l("启用"),
        "login_count": _l("登录次数"),
        "fail_login_count": _l("连续登录失败次数"),
        "created_on": _l("创建时间"),
        "changed_on": _l("修改时间"),
        "created_by": _l("创建人"),
        "changed_by": _l("修改人"),
        "password": _l("密码"),
        "conf_password": _l("确认密码"),
    }
    formatters_columns = {
        "source": lambda v: {
            "ldap": _l("统一身份认证"),
            "cas": _l("统一身份认证（CAS）"),
            "local": _l("本地账号"),
        }.get(v, v),
        "active": lambda v: _l("是") if v else _l("否"),
        "department": lambda v: v if v is not None else "",
        "staff_no": lambda v: v or "",
        "last_login": clock.markup,
        "created_on": clock.markup,
        "changed_on": clock.markup,
        "created_by": lambda v: v.get_full_name() if v is not None else "",
        "changed_by": lambda v: v.get_full_name() if v is not None else "",
        "roles": lambda v: "、".join(role.name for role in v or ()),
    }

    # FAB's built-in anonymous role is no role a person is given.
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterNotEqual, "Public"]]
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for form in (self.add_form, self.edit_form):
            blank_choice_text(form)

    def pre_add(self, item):
        _ensure_separated(item)
        super().pre_add(item)  # FAB's hashes the password of a new local account

    def pre_update(self, item):
        _ensure_separated(item)
        super().pre_update(item)

    @action("unlock", _l("解除登录锁定"), _l("解除所选账号的登录锁定？"), "fa-unlock")
    def unlock(self, users):
        from app.services.access import authentication

        users = users if isinstance(users, list) else [users]
        with one_transaction(_("已解除 {n} 个账号的登录锁定。").format(n=len(users))):
            for user in users:
                authentication.unlock(self.datamodel.session, user.username)
        return redirect(self.get_redirect())

    @action(
        "reset_second_factor",
        _l("重置两步验证"),
        _l("重置所选账号的两步验证？其登录将全部退出，下次登录时须重新绑定验证器。"),
        "fa-mobile",
    )
    def reset_second_factor(self, users):
        from flask import g

        from app.services.access import second_factor

        users = users if isinstance(users, list) else [users]
        with one_transaction(_("已重置 {n} 个账号的两步验证。").format(n=len(users))):
            for user in users:
                second_factor.reset(self.datamodel.session, g.user, user)
        return redirect(self.get_redirect())

    show_fieldsets = [
        (
            _l("User info"),
            {
                "fields": [
                    "username",
                    "active",
                    "roles",
                    "department",
                    "staff_no",
                    "source",
                    "login_count",
                ]
            },
        ),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (
            _l("Audit Info"),
            {
                "fields": [
                    "last_login",
                    "fail_login_count",
                    "lock_state",
                    "created_on",
                    "changed_on",
                ],
                "expanded": False,
            },
        ),
    ]
    edit_columns = [
        "first_name",
        "last_name",
        "username",
        "active",
        "email",
        "staff_no",
        "department",
        "roles",
    ]


def _ensure_separated(user):
    """三权分立, and trained before access (art. 18): FAB shows the refusal and saves nothing."""
    from sqlalchemy import inspect

    from app.extensions import db
    from app.services.access import separation, training

    separation.ensure_separated(user.roles)
    history = inspect(user).attrs.roles.history
    added = user.roles if inspect(user).transient or inspect(user).pending else history.added
    training.ensure_may_grant(db.session, user.username, added or ())


class ConsoleUserDBModelView(_UserColumns, UserDBModelView):
    add_columns = _UserColumns.edit_columns + ["password", "conf_password"]

    def pre_add(self, item):
        from app.services.access import emergency

        emergency.ensure_name_allowed(item.username)  # a local account: no guessable name
        super().pre_add(item)

    def pre_update(self, item):
        from app.services.access import emergency

        emergency.ensure_name_allowed(item.username)
        super().pre_update(item)


class ConsoleUserLDAPModelView(_UserColumns, UserLDAPModelView):
    add_columns = _UserColumns.edit_columns
    # One permission name for the user screens whichever login is configured, so that the
    # permission table (app/services/access/permissions.py) names them once.
    class_permission_name = "ConsoleUserDBModelView"


class ConsoleSecurityManager(SecurityManager):
    """Uses ConsoleUser (with its department) everywhere FAB handles users."""

    user_model = ConsoleUser
    userdbmodelview = ConsoleUserDBModelView
    userldapmodelview = ConsoleUserLDAPModelView
    groupmodelview = admin_words.ConsoleGroupModelView
    rolemodelview = admin_words.ConsoleRoleModelView
    permissionmodelview = admin_words.ConsolePermissionModelView
    viewmenumodelview = admin_words.ConsoleViewMenuModelView
    permissionviewmodelview = admin_words.ConsolePermissionViewModelView
    # FAB's user statistics chart loads Google's chart code: no outside network on campus.
    userstatschartview = None
    authdbview = ConsoleAuthDBView
    authldapview = ConsoleAuthLDAPView
    resetmypasswordview = ConsoleResetMyPasswordView
    resetpasswordview = ConsoleResetPasswordView
    security_api = ConsoleSecurityApi

    @property
    def is_auth_limited(self):
        # FAB would limit the login form alone; register_views puts one shared limit on every
        # login (form and REST API) instead.
        return False

    def register_views(self):
        super().register_views()
        from flask_appbuilder.const import AUTH_LDAP

        if self.auth_type == AUTH_LDAP:
            # The local emergency administrator still changes its own password.
            self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        # One login limit (AUTH_RATE_LIMIT per client address) counted across the login form
        # and the REST login; AUTH_RATE_LIMITED=false switches it off.
        shared = self.limiter.shared_limit(
            lambda: current_app.config["AUTH_RATE_LIMIT"],
            scope="login",
            methods=["POST"],
            exempt_when=lambda: not current_app.config.get("AUTH_RATE_LIMITED"),
        )
        shared(self.auth_view.blueprint)
        for view in self.appbuilder.baseviews:
            if isinstance(view, ConsoleSecurityApi):
                shared(view.blueprint)

    def add_user(self, username, first_name, last_name, email, role=None, password="", **kw):
        """FAB's, with the password policy for every account it creates (CLI create-admin and
        create-user, the demo, tests), and no guessable name (admin, root, ...: emergency.py).
        The new account changes its password at first login."""
        from app.services.access import emergency, passwords

        if emergency.is_reserved(username):
            _refuse(emergency.reserved_message(username), DomainError)
        if password and not kw.get("hashed_password"):
            found = passwords.problems(password)
            if found:
                _refuse(passwords.policy_message(found))
        return super().add_user(
            username, first_name, last_name, email, role=role, password=password, **kw
        )

    def reset_password(self, userid, password):
        """FAB's reset (CLI reset-password): the policy and history apply, the user's sessions
        end and the password must be changed at the next login. FAB's update_user commits, as
        FAB's own reset_password does."""
        from app.services.access import passwords

        user = self.get_user_by_id(userid)
        try:
            passwords.set_password(self.session, user, password, by_self=False)
        except PasswordRejected as error:
            self.session.rollback()
            _refuse(str(error))
        self.update_user(user)

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        """FAB asks the database once per menu item and check; this asks once per request."""
        cache = _request_cache()
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = _role_permission_pairs(self, key)
        return (permission_name, view_name) in cache[key]


def _refuse(message, error=PasswordRejected):
    """A refused account: a command exits with the message, anything else gets the error."""
    if not has_request_context() and click.get_current_context(silent=True) is not None:
        raise click.ClickException(message)
    raise error(message)


def _request_cache():
    """A dict that lives for one request (or one app context outside requests)."""
    from flask import g

    if "_console_perm_cache" not in g:
        g._console_perm_cache = {}
    return g._console_perm_cache


def _role_permission_pairs(sm, role_ids):
    from flask_appbuilder.security.sqla.models import assoc_permissionview_role

    rows = (
        sm.session.query(sm.permission_model.name, sm.viewmenu_model.name)
        .select_from(sm.permissionview_model)
        .join(sm.permission_model)
        .join(sm.viewmenu_model)
        .join(
            assoc_permissionview_role,
            assoc_permissionview_role.c.permission_view_id == sm.permissionview_model.id,
        )
        .filter(assoc_permissionview_role.c.role_id.in_(role_ids))
        .all()
    )
    return {(perm, view) for perm, view in rows}
