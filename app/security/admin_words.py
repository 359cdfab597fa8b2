"""FAB's group, role and permission screens in the console's words.

FAB names permissions and views by their code names (`can_list`, `ServiceItemView`,
`menu_access`); the security administrator reads them here as 查看列表 · 服务事项列表. View
names come from the registered views' titles and the menu's labels, so a new view needs no
entry; PERMISSION_WORDS says what each permission lets a role do.
"""

from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.views import (
    PermissionModelView,
    PermissionViewModelView,
    RoleModelView,
    UserGroupModelView,
    ViewMenuModelView,
)
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from .roles import PUBLIC

PERMISSION_WORDS = {
    "can_list": _l("查看列表"),
    "can_show": _l("查看详情"),
    "can_add": _l("新增"),
    "can_edit": _l("编辑"),
    "can_delete": _l("删除"),
    "can_get": _l("读取"),
    "can_read": _l("读取"),
    "can_info": _l("查看说明"),
    "can_put": _l("修改"),
    "can_post": _l("提交"),
    "can_index": _l("打开首页"),
    "can_update": _l("更新"),
    "can_download": _l("下载"),
    "can_export": _l("导出"),
    "can_import": _l("导入"),
    "can_template": _l("下载模板"),
    "can_enter": _l("批量录入"),
    "can_submit": _l("提交审核"),
    "can_review": _l("审核"),
    "can_publish": _l("发布"),
    "can_comments": _l("处理公众意见"),
    "can_lifecycle": _l("上线状态流转"),
    "can_remind": _l("催办"),
    "can_userinfo": _l("个人信息"),
    "can_this_form_get": _l("打开表单"),
    "can_this_form_post": _l("提交表单"),
    "menu_access": _l("菜单可见"),
    "copyrole": _l("复制角色"),
    "resetmypassword": _l("修改本人密码"),
    "resetpasswords": _l("重置密码"),
    "userinfoedit": _l("编辑个人信息"),
    "unlock": _l("解除登录锁定"),
    "reset_second_factor": _l("重置两步验证"),
    "can_confirm": _l("确认上线"),
    "can_create": _l("创建"),
    "can_decide": _l("审批"),
    "can_file": _l("备案"),
    "can_job": _l("查看后台任务"),
    "can_propose": _l("提名办理人"),
    "can_revoke": _l("吊销"),
    "can_run": _l("立即检查"),
    "can_tasks": _l("登记整改任务"),
}
VIEW_WORDS = {
    "ConsoleIndexView": _l("首页"),
    "LocaleView": _l("界面语言"),
    "ConsoleAuthDBView": _l("登录"),
    "ConsoleAuthLDAPView": _l("登录"),
    "ConsoleSecurityApi": _l("接口登录"),
    "MenuApi": _l("菜单接口"),
    "ConsoleUserDBModelView": _l("用户管理"),
    "RoleModelView": _l("角色管理"),
    "UserGroupModelView": _l("用户组"),
    "PermissionModelView": _l("权限"),
    "ViewMenuModelView": _l("视图与菜单"),
    "PermissionViewModelView": _l("视图上的权限"),
    "ResetMyPasswordView": _l("修改本人密码"),
    "ResetPasswordView": _l("重置密码"),
    "UserInfoEditView": _l("编辑个人信息"),
    "Security": _l("安全"),
    "BoardView": _l("工作进度"),
    "PublicationView": _l("清单发布"),
    "SheetView": _l("表格导入导出"),
    "StatisticsView": _l("统计分析"),
    "UtilView": _l("通用功能"),
    "WorkflowView": _l("审核流转"),
    "AssessmentView": _l("年度考核"),
    "DirectoryView": _l("统一身份认证目录"),
    "LedgerView": _l("整改台账"),
    "PortfolioView": _l("系统画像"),
    "ApiTokenView": _l("接口令牌"),
    "FindingsView": _l("治理发现"),
    "HallView": _l("网上办事大厅"),
    "FinalReviewView": _l("校长办公会审定"),
    "Base Permissions": _l("基础权限"),
    "List Users": _l("用户列表"),
    "List Roles": _l("角色列表"),
    "List Groups": _l("用户组列表"),
    "Groups": _l("用户组"),
    "Views/Menus": _l("视图与菜单"),
    "Permission on Views/Menus": _l("视图上的权限"),
}


def permission_word(name: str) -> str:
    return str(PERMISSION_WORDS.get(name, name))


def view_word(name: str) -> str:
    """A view or menu by the title people see: VIEW_WORDS, else the menu's label, else the
    registered view's list title."""
    if name in VIEW_WORDS:
        return str(VIEW_WORDS[name])
    from app.extensions import appbuilder

    for item in _menu_items(appbuilder.menu.get_list()):
        if item.name == name and item.label:
            return str(item.label)
    for view in appbuilder.baseviews:
        if getattr(view, "class_permission_name", None) == name:
            title = getattr(view, "list_title", None) or getattr(view, "title", None)
            if title:
                return str(title)
    return name


def _menu_items(items):
    for item in items:
        yield item
        yield from _menu_items(item.childs or [])


def permission_view_word(pv) -> str:
    if pv is None:
        return ""
    return f"{view_word(pv.view_menu.name)} · {permission_word(pv.permission.name)}"


def permission_views_words(pvs) -> str:
    return "、".join(sorted(permission_view_word(pv) for pv in pvs or ()))


def role_word(name: str) -> str:
    """FAB's anonymous role by what it is; the console's roles by their (Chinese) names."""
    return str(_l("公众（未登录访问）")) if name == PUBLIC else name


# FAB's anonymous role is no role a person or a group is given.
NOT_PUBLIC = {"roles": [["name", FilterNotEqual, PUBLIC]]}


class ConsoleGroupModelView(UserGroupModelView):
    class_permission_name = "UserGroupModelView"
    label_columns = {
        "name": _l("名称"),
        "label": _l("显示名称"),
        "description": _l("说明"),
        "users": _l("用户"),
        "roles": _l("角色"),
    }
    formatters_columns = {
        "users": lambda v: "、".join(u.get_full_name() or u.username for u in v or ()),
        "roles": lambda v: "、".join(r.name for r in v or ()),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = NOT_PUBLIC
    # No relation in the search form: it would list every user and role.
    search_columns = ["name", "label", "description"]


class ConsoleRoleModelView(RoleModelView):
    class_permission_name = "RoleModelView"
    # FAB's role widgets print the code names; the plain ones use the formatters below.
    list_widget = ListWidget
    show_widget = ShowWidget
    label_columns = {
        "name": _l("名称"),
        "permissions": _l("权限"),
        "user": _l("用户"),
        "groups": _l("用户组"),
    }
    formatters_columns = {"permissions": permission_views_words, "name": role_word}
    search_columns = ["name"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for form in (self.add_form, self.edit_form):
            field = vars(form).get("permissions")
            if isinstance(field, UnboundField):
                field.kwargs["get_label"] = permission_view_word


class ConsolePermissionModelView(PermissionModelView):
    class_permission_name = "PermissionModelView"
    label_columns = {"name": _l("名称")}
    formatters_columns = {"name": permission_word}


class ConsoleViewMenuModelView(ViewMenuModelView):
    class_permission_name = "ViewMenuModelView"
    label_columns = {"name": _l("名称")}
    formatters_columns = {"name": view_word}


class ConsolePermissionViewModelView(PermissionViewModelView):
    class_permission_name = "PermissionViewModelView"
    search_columns = ["id"]
    label_columns = {
        "permission": _l("权限"),
        "view_menu": _l("视图或菜单"),
        "role": _l("角色"),
        "id": _l("编号"),
    }
    formatters_columns = {
        "permission": lambda p: permission_word(p.name) if p is not None else "",
        "view_menu": lambda v: view_word(v.name) if v is not None else "",
    }
