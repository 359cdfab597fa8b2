"""The console's roles, and `flask init-roles`, which gives them their FAB permissions.

What each role may do is declared once, in `app/services/access/permissions.py` `ACTIONS`; the
FAB (permission, view-or-menu) pairs each role needs are generated from that table.
`sync_roles()` makes the database match the table exactly, so a permission removed there is
removed from the role too; no role receives every permission.

The IT office's powers are split three ways (三权分立, 等保 2.0 8.1.4.2 d): the system
administrator (信息中心管理员) keeps records, campaigns and departments; the security
administrator manages users, roles, permissions and unlocks; the audit administrator reads the
audit log and nothing else. No account may hold two of them. FAB's admin role
(`AUTH_ROLE_ADMIN`, given by `flask fab create-admin`) is the security administrator.
"""

from flask_babel import lazy_gettext as _l

CONTACT = "部门联系人"
REVIEWER = "审核员"
IT_ADMIN = "信息中心管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
LEADER = "校领导"
# The service hall's own roles (measures art. 4(3)②, 6): a department's process administrator
# assigns the handlers of its nodes and confirms go-live for its part; a filed handler handles a
# node. Both are bound to their department like a contact.
PROCESS_ADMIN = "流程管理员"
HANDLER = "办理人"
# Any staff member or student of the directory without a console role: applies for live items
# and follows their cases under 网上办事, and sees nothing of the campaign.
APPLICANT = "申请人"
PUBLIC = "Public"
# The three administrators of 三权分立: no account holds two of them.
SEPARATED_ROLES = (IT_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)

ROLE_LABELS = {
    CONTACT: _l("部门联系人"),
    REVIEWER: _l("审核员（党政办公室）"),
    IT_ADMIN: _l("信息中心管理员（系统管理员）"),
    SECURITY_ADMIN: _l("安全管理员（用户与权限）"),
    AUDIT_ADMIN: _l("审计管理员（审计日志）"),
    LEADER: _l("校领导（只读）"),
    PROCESS_ADMIN: _l("流程管理员（本部门办事流程）"),
    HANDLER: _l("办理人（已备案的环节办理人员）"),
    APPLICANT: _l("申请人（网上办事）"),
    PUBLIC: _l("公众"),
}


def install_roles(appbuilder):
    """Write every view's permissions, then the declared roles. Leaves the commit to the caller."""
    sm = appbuilder.sm
    sm.find_role(sm.auth_role_admin) or sm.add_role(sm.auth_role_admin)
    appbuilder.add_permissions(update_perms=True)
    return sync_roles(sm)


def sync_roles(sm):
    """Create the declared roles and set their permissions exactly as generated.

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
    return result
