"""The console's roles, and `flask init-roles`, which gives them their FAB permissions.

What each role may do is declared once, in `app/services/access/permissions.py` `ACTIONS`; the
FAB (permission, view-or-menu) pairs each role needs are generated from that table. The IT
administrator is FAB's admin role and receives every permission. `sync_roles()` makes the
database match the table exactly, so a permission removed there is removed from the role too.
"""

from flask_babel import lazy_gettext as _l

CONTACT = "部门联系人"
REVIEWER = "审核员"
IT_ADMIN = "信息中心管理员"
LEADER = "校领导"
PUBLIC = "Public"

ROLE_LABELS = {
    CONTACT: _l("部门联系人"),
    REVIEWER: _l("审核员（党政办公室）"),
    IT_ADMIN: _l("信息中心管理员"),
    LEADER: _l("校领导（只读）"),
    PUBLIC: _l("公众"),
}


def install_roles(appbuilder):
    """Write every view's permissions, then the declared roles. Leaves the commit to the caller."""
    sm = appbuilder.sm
    sm.find_role(IT_ADMIN) or sm.add_role(IT_ADMIN)
    appbuilder.add_permissions(update_perms=True)
    return sync_roles(sm)


def sync_roles(sm):
    """Create the declared roles and set their permissions exactly; the admin gets them all.

    Returns {role name: number of permissions}. Leaves the commit to the caller.
    """
    from app.services.access.permissions import fab_permissions

    result = {}
    for name, pairs in fab_permissions().items():
        role = sm.find_role(name) or sm.add_role(name)
        wanted = []
        for perm, view in pairs:
            pv = sm.find_permission_view_menu(perm, view) or sm.add_permission_view_menu(perm, view)
            wanted.append(pv)
        role.permissions = wanted
        result[name] = len(wanted)
    admin = sm.find_role(IT_ADMIN) or sm.add_role(IT_ADMIN)
    admin.permissions = sm.session.query(sm.permissionview_model).all()
    result[IT_ADMIN] = len(admin.permissions)
    return result
