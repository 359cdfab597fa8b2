"""A real OpenLDAP directory for the tests (never a mock), and the app switched to LDAP mode."""

import shutil

import pytest
from flask_appbuilder.const import AUTH_LDAP

from app.security.roles import AUDIT_ADMIN, CONTACT, IT_ADMIN, LEADER, REVIEWER, SECURITY_ADMIN
from devtools.slapd import Directory

LDAP_PASSWORD = "Ldap#User2026"
GROUP_ROLES = {
    "cn=console-contacts,ou=groups,dc=college,dc=edu,dc=cn": [CONTACT],
    "cn=console-reviewers,ou=groups,dc=college,dc=edu,dc=cn": [REVIEWER],
    "cn=console-itadmins,ou=groups,dc=college,dc=edu,dc=cn": [IT_ADMIN],
    "CN=Console-Leaders,OU=Groups,DC=college,DC=edu,DC=cn": [LEADER],
    "cn=console-security,ou=groups,dc=college,dc=edu,dc=cn": [SECURITY_ADMIN],
    "cn=console-audit,ou=groups,dc=college,dc=edu,dc=cn": [AUDIT_ADMIN],
}


@pytest.fixture(scope="session")
def directory():
    """slapd on a free port; allows DN binds with an empty password (to prove our own guard)."""
    if not shutil.which("slapd") and not shutil.os.path.exists("/usr/sbin/slapd"):
        pytest.skip("slapd is not installed (make test installs it)")
    d = Directory(allow_anonymous_dn_bind=True).start()
    # employeeType says who is 在编在岗 (contract staff count, LDAP_STAFF_VALUES).
    staff, contract = "在编在岗", "合同制"
    d.add_person("zhangwei", LDAP_PASSWORD, "伟", "张", "zhangwei@college.edu.cn", "T01", staff)
    d.add_person("lina", LDAP_PASSWORD, "娜", "李", "lina@college.edu.cn", "T02", staff)
    d.add_person("wangqiang", LDAP_PASSWORD, "强", "王", "wangqiang@college.edu.cn", "T02", staff)
    d.add_person("nogroup", LDAP_PASSWORD, "无", "组", "nogroup@college.edu.cn", "T01", "劳务派遣")
    d.add_person("stranger", LDAP_PASSWORD, "外", "部", "stranger@college.edu.cn", "ZZ99")
    d.add_person("qianfeng", LDAP_PASSWORD, "峰", "钱", "qianfeng@college.edu.cn", "T02", contract)
    d.add_person("sunli", LDAP_PASSWORD, "丽", "孙", "sunli@college.edu.cn", "T02", staff)
    # The service hall's handlers: no console group of their own (filing gives the role).
    d.add_person("liuyang", LDAP_PASSWORD, "洋", "刘", "liuyang@college.edu.cn", "T01", staff)
    d.add_person("heping", LDAP_PASSWORD, "平", "何", "heping@college.edu.cn", "T02", contract)
    # A student: in no console group, logs in as 申请人 (DIRECTORY_DEFAULT_ROLE).
    d.add_person("zhaoxue", LDAP_PASSWORD, "雪", "赵", "zhaoxue@stu.college.edu.cn", "T02", "学生")
    d.add_group("console-contacts", ["zhangwei", "stranger"])
    d.add_group("console-leaders", ["zhangwei"])
    d.add_group("console-itadmins", ["wangqiang", "sunli"])
    d.add_group("console-security", ["qianfeng"])
    d.add_group("console-audit", ["sunli"])  # sunli is also a system administrator
    # groupOfUniqueNames: no memberOf on the user; found by searching the groups.
    d.add_group("console-reviewers", ["lina"], unique=True)
    yield d
    d.stop()


@pytest.fixture
def ldap_mode(app, directory, monkeypatch):
    """The session app authenticating against `directory` for one test."""
    monkeypatch.setitem(app.config, "AUTH_TYPE", AUTH_LDAP)
    for key, value in directory.app_config(GROUP_ROLES).items():
        monkeypatch.setitem(app.config, key, value)
    return directory
