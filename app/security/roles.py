"""The console's roles, declared as data and applied by `flask init-roles`.

Each role is a list of (permission, view-or-menu) pairs. The IT administrator is FAB's admin role
and receives every permission. `sync_roles()` makes the database match this declaration exactly,
so a permission removed here is removed from the role too.
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

READ = ("can_list", "can_show")
WRITE = READ + ("can_add", "can_edit", "can_delete")

# Records a department writes itself.
DEPARTMENT_VIEWS = (
    "ContactView",
    "ServiceItemView",
    "MaterialView",
    "ProcessNodeView",
    "InformationSystemView",
)
# Records the IT office keeps.
OFFICE_VIEWS = (
    "DepartmentView",
    "CampaignView",
    "CampaignPhaseView",
    "RectificationTaskView",
)
ALL_RECORD_VIEWS = DEPARTMENT_VIEWS + OFFICE_VIEWS

MENUS_SURVEY = ("Survey", "Contacts", "ServiceItems", "InformationSystems")
MENUS_REVIEW = ("Review", "Inbox", "Publications", "PublicComments")
WORKFLOW = "WorkflowView"
# The statistics dashboard (统计分析): read only, department-scoped for contacts.
STATISTICS = (("can_read", "StatisticsView"), ("menu_access", "Statistics"))
PUBLICATION = "PublicationView"
MENUS_LEDGER = ("Ledger", "RectificationTasks", "OverdueTasks", "Portfolio")
MENUS_OFFICE = (*MENUS_LEDGER, "Settings", "Departments", "Campaigns")
# The campaign board (a contact sees their own department's row) and the yearly assessment.
BOARD = "BoardView"
ASSESSMENT = "AssessmentView"
MENUS_PROGRESS = ("Progress", "CampaignBoard", "Assessment")
SHEETS = "SheetView"
MENU_SHEETS = ("SheetsImportExport",)

# What every logged-in user may do with their own account.
SELF_SERVICE = (
    ("can_userinfo", "ConsoleUserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("resetmypassword", "ConsoleUserDBModelView"),
)


def _grant(perms, views):
    return [(perm, view) for view in views for perm in perms]


def _menus(names):
    return [("menu_access", name) for name in names]


# The rectification ledger: contacts (own department) and reviewers keep it, leaders read it.
LEDGER_READ = _grant(READ, ("RectificationTaskView", "OverdueTaskView")) + _grant(
    ("can_read",), ("LedgerView", "PortfolioView")
)
LEDGER_KEEP = (
    LEDGER_READ
    + _grant(("can_add", "can_edit"), ("RectificationTaskView",))
    + [("can_update", "LedgerView")]
)


ROLES = {
    CONTACT: (
        _grant(WRITE, DEPARTMENT_VIEWS)
        + _grant(READ, ("DepartmentView", "CampaignView", "CampaignPhaseView"))
        + LEDGER_KEEP
        + _grant(("can_submit", "can_read", "can_lifecycle"), (WORKFLOW,))
        + _grant(("can_read", "can_template", "can_export", "can_import"), (SHEETS,))
        + _grant(("can_read",), (PUBLICATION, BOARD))
        + _menus(
            MENUS_SURVEY
            + MENU_SHEETS
            + MENUS_LEDGER
            + ("Review", "Publications", "Progress", "CampaignBoard")
        )
        + list(STATISTICS)
        + list(SELF_SERVICE)
    ),
    REVIEWER: (
        _grant(READ, ALL_RECORD_VIEWS)
        + [pair for pair in LEDGER_KEEP if pair not in _grant(READ, ALL_RECORD_VIEWS)]
        + _grant(("can_review", "can_read", "can_lifecycle"), (WORKFLOW,))
        + _grant(("can_read", "can_template", "can_export"), (SHEETS,))
        + _grant(("can_read", "can_publish", "can_comments"), (PUBLICATION,))
        + _grant(("can_read",), (BOARD, ASSESSMENT))
        + _menus(MENUS_SURVEY + MENU_SHEETS + MENUS_OFFICE + MENUS_REVIEW + MENUS_PROGRESS)
        + list(STATISTICS)
        + list(SELF_SERVICE)
    ),
    LEADER: (
        _grant(READ, ALL_RECORD_VIEWS)
        + _grant(("can_read", "can_export"), (SHEETS,))
        + [pair for pair in LEDGER_READ if pair not in _grant(READ, ALL_RECORD_VIEWS)]
        + _grant(("can_read",), (WORKFLOW, PUBLICATION, BOARD, ASSESSMENT))
        + _menus(
            MENUS_SURVEY + MENU_SHEETS + MENUS_OFFICE + ("Review", "Publications") + MENUS_PROGRESS
        )
        + list(STATISTICS)
        + list(SELF_SERVICE)
    ),
    PUBLIC: [],
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
    result = {}
    for name, pairs in ROLES.items():
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
