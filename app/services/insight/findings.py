"""Governance findings (治理发现): the rules, declared as data, and the findings they yield.

The notice asks the console to show "审批节点冗余、系统数据断层" and "流程繁琐、系统数据不通、平台
重复建设". Each row of `RULES` names one rule: its group, title, the ledger category a task
from it gets, its default thresholds, the function that finds it (set-based SQL over the whole
college, in `finding_nodes`, `finding_platforms`, `finding_registers`) and the function that
says in plain Chinese why it fired and what fixing it would change.

Thresholds are data the IT office tunes in the console (`FindingSetting`, one row per rule,
audited): a rule can be switched off, and any parameter left out keeps its default here. They
live in the database rather than in `config.py` because the IT office, not the operator,
decides them, and a change should take effect without a restart and leave a trace.

Not built here, and why: nodes whose real handling time is far above their limit, or that
almost never refuse (they need the cases of issue 13, which do not exist yet).

The whole list is computed once per data version (`trail.data_version`) and settings, then
kept in the process; scope, filters, dismissals and tasks are applied per request.
"""

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import FindingDismissal, FindingSetting
from app.services.errors import DomainError
from app.services.trail import data_version

from . import finding_handling as handling
from . import finding_nodes as nodes
from . import finding_platforms as platforms
from . import finding_registers as registers
from .finding_base import MEMO, Finding, Index

GROUPS = {
    "nodes": _l("审批节点冗余"),
    "platforms": _l("平台重复建设"),
    "silos": _l("系统数据断层"),
    "registers": _l("登记信息矛盾"),
}
GENERIC_WORDS = ["管理信息系统", "信息系统", "管理系统", "服务平台", "管理平台", "系统", "平台"]
ONE_FORM_MATERIALS = {
    "成绩单": "教务",
    "学籍证明": "教务",
    "在读证明": "教务",
    "在职证明": "人事",
    "工作证明": "人事",
    "收入证明": "薪酬",
    "缴费凭证": "缴费",
}


@dataclass(frozen=True)
class Rule:
    """One governance rule: what it finds, how it is tuned, how it is told."""

    code: str
    group: str
    title: object
    category: str
    defaults: dict
    find: Callable[[Session, dict], list[Finding]]
    explain: Callable[[Finding, dict], tuple[str, str]]


RULES = (
    Rule(
        "repeat_reviewer",
        "nodes",
        _l("同一部门或岗位重复审核"),
        "process",
        {"match": "department_and_post"},
        nodes.repeat_reviewer,
        nodes.explain_repeat_reviewer,
    ),
    Rule(
        "too_many_levels",
        "nodes",
        _l("审批层级超过事项类型所需"),
        "process",
        {"max_levels": {"approval": 4, "service": 2}},
        nodes.too_many_levels,
        nodes.explain_too_many_levels,
    ),
    Rule(
        "serial_countersigns",
        "nodes",
        _l("会签环节依次办理"),
        "process",
        {},
        nodes.serial_countersigns,
        nodes.explain_serial_countersigns,
    ),
    Rule(
        "limits_exceed",
        "nodes",
        _l("环节时限合计超过承诺时限"),
        "process",
        {"slack_days": 0},
        nodes.limits_exceed,
        nodes.explain_limits_exceed,
    ),
    Rule(
        "instant_with_approval",
        "nodes",
        _l("即办件仍设审批环节"),
        "process",
        {"node_kinds": handling.APPROVING},
        handling.instant_with_approval,
        handling.explain_instant_with_approval,
    ),
    Rule(
        "node_without_handler",
        "nodes",
        _l("环节办理单位无已备案在岗办理人"),
        "process",
        {"lifecycles": handling.LIVE_OR_GOING_LIVE, "skip_kinds": []},
        handling.node_without_handler,
        handling.explain_node_without_handler,
    ),
    Rule(
        "shared_capability",
        "platforms",
        _l("不同部门系统承担同一业务能力"),
        "consolidation",
        {"min_departments": 2},
        platforms.shared_capability,
        platforms.explain_duplicate,
    ),
    Rule(
        "similar_names",
        "platforms",
        _l("不同部门系统名称雷同"),
        "consolidation",
        {"generic_words": GENERIC_WORDS, "min_length": 2},
        platforms.similar_names,
        platforms.explain_duplicate,
    ),
    Rule(
        "kind_on_many_systems",
        "platforms",
        _l("同名事项分散在多个系统"),
        "consolidation",
        {"min_systems": 2},
        platforms.kind_on_many_systems,
        platforms.explain_kind_on_many_systems,
    ),
    Rule(
        "isolated_system",
        "silos",
        _l("系统未接入门户且不共享数据"),
        "data_silo",
        {"integrated_states": ["full"]},
        platforms.isolated_system,
        platforms.explain_isolated_system,
    ),
    Rule(
        "one_form_candidate",
        "silos",
        _l("一表通候选：材料数据已在系统中"),
        "data_silo",
        {"materials": ONE_FORM_MATERIALS},
        platforms.one_form_candidate,
        platforms.explain_one_form_candidate,
    ),
    Rule(
        "good_host_not_live",
        "registers",
        _l("良好事项的承载系统未上线或未集成"),
        "integration",
        {},
        registers.good_host_not_live,
        registers.explain_good_host_not_live,
    ),
    Rule(
        "online_without_host",
        "registers",
        _l("线上运行事项缺承载系统或入口"),
        "integration",
        {},
        registers.online_without_host,
        registers.explain_online_without_host,
    ),
    Rule(
        "listed_without_sheet",
        "registers",
        _l("统计表中的流程缺一事一单"),
        "process",
        {"parts": list(registers.SHEET_PARTS)},
        registers.listed_without_sheet,
        registers.explain_listed_without_sheet,
    ),
    Rule(
        "idle_system",
        "registers",
        _l("系统未承载任何事项"),
        "consolidation",
        {},
        registers.idle_system,
        registers.explain_idle_system,
    ),
    Rule(
        "contact_duties",
        "registers",
        _l("联系人职责未全覆盖"),
        "other",
        {},
        registers.contact_duties,
        registers.explain_contact_duties,
    ),
    Rule(
        "entry_off_domain",
        "registers",
        _l("办理入口不在承载系统域名下"),
        "entry",
        {"domain_labels": 3, "allowed_domains": []},
        registers.entry_off_domain,
        registers.explain_entry_off_domain,
    ),
)
BY_CODE = {rule.code: rule for rule in RULES}
CACHE_SIZE = 4
_cache: dict[tuple, Index] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    _cache.clear()


def parse_params(code: str, text: str | None) -> dict:
    """The parameters typed for rule `code`, checked against its defaults' keys and types."""
    rule = BY_CODE.get(code)
    if rule is None:
        raise DomainError(_("未知的发现规则：{rule}").format(rule=code))
    if not (text or "").strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise DomainError(
            _("阈值参数应为 JSON 对象，例如 {example}").format(
                example=json.dumps(rule.defaults, ensure_ascii=False)
            )
        ) from error
    if not isinstance(value, dict):
        raise DomainError(_("阈值参数应为 JSON 对象。"))
    for key, given in value.items():
        if key not in rule.defaults:
            raise DomainError(
                _("规则“{rule}”没有参数“{key}”，可用参数：{keys}").format(
                    rule=rule.title, key=key, keys="、".join(rule.defaults) or _("无")
                )
            )
        default = rule.defaults[key]
        if isinstance(given, bool) or type(given) is not type(default):
            raise DomainError(
                _("参数“{key}”的类型应与默认值 {default} 相同。").format(
                    key=key, default=json.dumps(default, ensure_ascii=False)
                )
            )
    return value


def settings(session: Session) -> dict[str, tuple[bool, dict]]:
    """{rule: (enabled, parameters)}: the defaults with the IT office's settings over them."""
    stored = {row.rule: row for row in session.scalars(select(FindingSetting))}
    result = {}
    for rule in RULES:
        row = stored.get(rule.code)
        params = dict(rule.defaults)
        if row is not None:
            # Saved before a rule changed: the defaults stand.
            with contextlib.suppress(DomainError):
                params.update(parse_params(rule.code, row.params))
        result[rule.code] = (row.enabled if row is not None else True, params)
    return result


def compute(session: Session) -> list[Finding]:
    """Every finding of the college, most working days saved first (cached per data version)."""
    return index(session).all


def index(session: Session) -> Index:
    """The college's findings with their lists and counts (cached per data version and
    settings; computed afresh, and not kept, while the session holds unsaved changes)."""
    tuned = settings(session)
    signature = json.dumps(tuned, sort_keys=True, ensure_ascii=False, default=str)
    pending = data_version.has_pending(session)
    key = (data_version.current(session), signature)
    if not pending and key in _cache:
        return _cache[key]
    found = Index(_find(session, tuned))
    if not pending:
        with _lock:
            while len(_cache) >= CACHE_SIZE:
                _cache.pop(next(iter(_cache)))
            _cache[key] = found
    return found


def _find(session: Session, tuned: dict) -> list[Finding]:
    found = []
    session.info[MEMO] = {}
    try:
        for rule in RULES:
            enabled, params = tuned[rule.code]
            if enabled:
                found.extend(rule.find(session, params))
    finally:
        session.info.pop(MEMO, None)
    found.sort(key=Finding.sort_key)
    return found


def dismissed(session: Session, keys: list[str] | None = None) -> dict[str, FindingDismissal]:
    """{finding key: dismissal}, of `keys` or of all."""
    query = select(FindingDismissal)
    if keys is not None:
        if not keys:
            return {}
        query = query.where(FindingDismissal.finding_key.in_(keys))
    return {row.finding_key: row for row in session.scalars(query)}


def dismissed_keys(session: Session) -> set[str]:
    return set(session.scalars(select(FindingDismissal.finding_key)))


def explain(finding: Finding, names: dict | None = None) -> tuple[str, str]:
    """(why it fired, what fixing it would change) in the current language."""
    return BY_CODE[finding.rule].explain(finding, names or {})
