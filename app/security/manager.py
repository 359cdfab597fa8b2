"""The console's SecurityManager: FAB's, with users bound to a department."""

from flask import redirect
from flask_appbuilder.actions import action
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView, UserLDAPModelView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from app.models.base import utcnow
from app.models.user import ConsoleUser
from app.views.transaction import one_transaction

from .views import ConsoleAuthDBView, ConsoleAuthLDAPView


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
    }
    formatters_columns = {
        "source": lambda v: {"ldap": _l("统一身份认证"), "local": _l("本地账号")}.get(v, v)
    }

    def pre_add(self, item):
        _ensure_separated(item)

    def pre_update(self, item):
        _ensure_separated(item)

    @action("unlock", _l("解除登录锁定"), _l("解除所选账号的登录锁定？"), "fa-unlock")
    def unlock(self, users):
        from app.services.access import authentication

        users = users if isinstance(users, list) else [users]
        with one_transaction(_("已解除 {n} 个账号的登录锁定。").format(n=len(users))):
            for user in users:
                authentication.unlock(self.datamodel.session, user.username)
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
    """三权分立: FAB shows the refusal and saves nothing."""
    from app.services.access import permissions

    permissions.ensure_separated(user.roles)


class ConsoleUserDBModelView(_UserColumns, UserDBModelView):
    add_columns = _UserColumns.edit_columns + ["password", "conf_password"]


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
    # FAB's user statistics chart loads Google's chart code: no outside network on campus.
    userstatschartview = None
    authdbview = ConsoleAuthDBView
    authldapview = ConsoleAuthLDAPView

    def register_views(self):
        super().register_views()
        from flask_appbuilder.const import AUTH_LDAP

        if self.auth_type == AUTH_LDAP:
            # The local emergency administrator still changes its own password.
            self.appbuilder.add_view_no_menu(self.resetmypasswordview())

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        """FAB asks the database once per menu item and check; this asks once per request."""
        cache = _request_cache()
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = _role_permission_pairs(self, key)
        return (permission_name, view_name) in cache[key]


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


@event.listens_for(ConsoleUser.password, "set")
def _stamp_password_change(user, value, old, initiator):
    """A new password (FAB's add_user, reset_password, the user's own change) restarts its age;
    the stamp is set with the password, so whoever commits the one commits the other."""
    if value and value != old:
        user.password_changed_at = utcnow()
