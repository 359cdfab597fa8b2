"""Fitness of one information system (系统画像): its costs, two fit scores and a recommendation.

The scoring, all on attachment-4 fields, is deliberately simple so that anyone can redo it:

- yearly cost (万元) = yearly O&M cost + build cost / 5 (five-year amortisation);
  cost per daily active operation (元) = yearly cost x 10,000 / daily active operations;
- functional fit = mean of three scores out of 100: user groups covered (1 group 50, 2 or more
  100, none 0), daily active operations (>=1000: 100, >=200: 70, >=50: 40, >=1: 20, none 0),
  core-feature usage rate (the percentage itself);
- technical fit = 100 minus: security risk 40, poor extensibility 20, mobile adaptation none
  20 / partial 10, portal integration none 20 / SSO only 10 (floor 0);
- both >= 60: keep; functional >= 60 only: invest; technical >= 60 only: migrate; neither:
  retire (Gartner's TIME quadrants).

Unknown is not zero: a score whose inputs (`NEEDED`) are not all filled in is None, not a
score of blanks counted as 0, and a system missing any of them is recommended nothing: its
recommendation is 数据不足 (insufficient), and the reason names what to fill in.

Everything here reads one system and runs no query; `portfolio` applies it to the college.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from flask_babel import gettext as _

from app.models import InformationSystem
from app.models.choices import MOBILE_ADAPTATION, PORTAL_INTEGRATION, RECOMMENDATION, split_codes
from app.models.labels import labels

AMORTISATION_YEARS = 5
FIT_THRESHOLD = 60
ACTIVITY_TIERS = ((1000, 100), (200, 70), (50, 40), (1, 20))
COVERAGE_FULL_GROUPS = 2
DEDUCTIONS = {"security_risk": 40, "poor_extensibility": 20}
MOBILE_DEDUCTION = {"full": 0, "partial": 10, "none": 20}
PORTAL_DEDUCTION = {"full": 0, "sso": 10, "none": 20}
INSUFFICIENT = "insufficient"
# The fields each score rests on: a blank one makes the score unknown (None).
NEEDED = {
    "functional": ("user_groups", "daily_active_operations", "core_usage_rate"),
    "technical": ("mobile_adaptation", "portal_integration"),
}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing(system: InformationSystem, score: str | None = None) -> list[str]:
    """The labels of the fields a score (or, without `score`, either) needs that are blank."""
    names = NEEDED[score] if score else NEEDED["functional"] + NEEDED["technical"]
    field_labels = labels(InformationSystem)
    return [str(field_labels[name]) for name in names if _blank(getattr(system, name))]


def _money(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _score(value):
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class SystemInsight:
    """The figures, scores and recommendation of one information system."""

    system: InformationSystem
    hosted_items: int
    yearly_cost: Decimal | None
    cost_per_operation: Decimal | None
    functional: float | None  # None: a field it needs is not filled in
    technical: float | None
    recommendation: str
    task_key: str | None = None
    task_id: int | None = None

    @cached_property
    def reason(self) -> str:
        return explain(self.system)

    @property
    def recommendation_label(self) -> str:
        return RECOMMENDATION.label(self.recommendation)


def yearly_cost(system: InformationSystem) -> Decimal | None:
    """O&M plus the build cost spread over five years (万元), or None when neither is known."""
    if system.annual_om_cost is None and system.build_cost is None:
        return None
    om = Decimal(system.annual_om_cost or 0)
    build = Decimal(system.build_cost or 0)
    return _money(om + build / AMORTISATION_YEARS)


def cost_per_operation(system: InformationSystem) -> Decimal | None:
    """Yearly cost in 元 per daily active operation, or None without activity or cost."""
    cost = yearly_cost(system)
    ops = system.daily_active_operations
    if cost is None or not ops:
        return None
    return _money(cost * 10000 / ops)


def coverage_score(system: InformationSystem) -> tuple[float, int]:
    groups = split_codes(system.user_groups)
    return min(len(groups), COVERAGE_FULL_GROUPS) * 100 / COVERAGE_FULL_GROUPS, len(groups)


def activity_score(system: InformationSystem) -> int:
    ops = system.daily_active_operations or 0
    for threshold, points in ACTIVITY_TIERS:
        if ops >= threshold:
            return points
    return 0


def functional_fit(
    system: InformationSystem, explain: bool = True
) -> tuple[float | None, list[str]]:
    """(score, [reason parts]) from coverage, activity and core-feature usage; (None, [the
    blank fields]) when one of them is not filled in."""
    blank = missing(system, "functional")
    if blank:
        return None, [_("{fields}未填写").format(fields="、".join(blank))]
    coverage, groups = coverage_score(system)
    activity = activity_score(system)
    usage = float(system.core_usage_rate or 0)
    score = _score((coverage + activity + usage) / 3)
    if not explain:
        return score, []
    parts = [_("覆盖人群 {n} 类得 {p} 分").format(n=groups, p=_score(coverage))]
    parts.append(_("日均操作 {n} 次得 {p} 分").format(n=system.daily_active_operations, p=activity))
    parts.append(_("核心功能使用率 {r}% 得 {p} 分").format(r=_score(usage), p=_score(usage)))
    return score, parts


def technical_fit(
    system: InformationSystem, explain: bool = True
) -> tuple[float | None, list[str]]:
    """(score, [reason parts]) from security, extensibility, mobile and portal integration;
    (None, [the blank fields]) when the mobile or portal state is not filled in."""
    blank = missing(system, "technical")
    if blank:
        return None, [_("{fields}未填写").format(fields="、".join(blank))]
    risk = DEDUCTIONS["security_risk"] if system.security_risk else 0
    rigid = DEDUCTIONS["poor_extensibility"] if system.poor_extensibility else 0
    mobile = MOBILE_DEDUCTION.get(system.mobile_adaptation, 20)  # a code no longer offered
    portal = PORTAL_DEDUCTION.get(system.portal_integration, 20)
    score = _score(max(0, 100 - risk - rigid - mobile - portal))
    if not explain:
        return score, []
    parts = []
    if risk:
        parts.append(_("存在网络与数据安全隐患扣 {n} 分").format(n=risk))
    if rigid:
        parts.append(_("拓展性不足扣 {n} 分").format(n=rigid))
    if mobile:
        state = MOBILE_ADAPTATION.label(system.mobile_adaptation)
        parts.append(_("移动端{state}扣 {n} 分").format(state=state, n=mobile))
    if portal:
        state = PORTAL_INTEGRATION.label(system.portal_integration)
        parts.append(_("融合门户{state}扣 {n} 分").format(state=state, n=portal))
    if not parts:
        parts.append(_("无扣分项"))
    return score, parts


def recommend(functional: float | None, technical: float | None) -> str:
    """The quadrant of two scores; 数据不足 (insufficient) when either is unknown."""
    if functional is None or technical is None:
        return INSUFFICIENT
    high_f, high_t = functional >= FIT_THRESHOLD, technical >= FIT_THRESHOLD
    if high_f and high_t:
        return "keep"
    if high_f:
        return "invest"
    if high_t:
        return "migrate"
    return "retire"


CONCLUSIONS = {
    "keep": lambda: _("功能与技术适配均达到 {n} 分，建议保留并持续运行。").format(n=FIT_THRESHOLD),
    "invest": lambda: _(
        "功能用得好但技术适配不足 {n} 分，建议投入改造（安全、拓展、移动端、门户集成）。"
    ).format(n=FIT_THRESHOLD),
    "migrate": lambda: _(
        "技术尚可但功能适配不足 {n} 分，建议迁移整合到融合门户或同类系统。"
    ).format(n=FIT_THRESHOLD),
    "retire": lambda: _("功能与技术适配均不足 {n} 分，建议下线并保留数据备查。").format(
        n=FIT_THRESHOLD
    ),
    INSUFFICIENT: lambda: _("数据不足，暂不给出建议：请先补填未填写的数据（未填写不按 0 分计）。"),
}


def _part(kind: str, score: float | None, parts: list[str]) -> str:
    words = "，".join(parts)
    if kind == "functional":
        if score is None:
            return _("功能适配无法评分（{parts}）").format(parts=words)
        return _("功能适配 {score} 分（{parts}）").format(score=score, parts=words)
    if score is None:
        return _("技术适配无法评分（{parts}）").format(parts=words)
    return _("技术适配 {score} 分（{parts}）").format(score=score, parts=words)


def explain(system: InformationSystem) -> str:
    """The reason for a system's recommendation, in words."""
    functional, f_parts = functional_fit(system)
    technical, t_parts = technical_fit(system)
    return _("{functional}；{technical}。{conclusion}").format(
        functional=_part("functional", functional, f_parts),
        technical=_part("technical", technical, t_parts),
        conclusion=CONCLUSIONS[recommend(functional, technical)](),
    )


def assess(system: InformationSystem, hosted_items: int = 0) -> SystemInsight:
    """The insight of one system (no query; the reason is worded when first read)."""
    functional, _parts = functional_fit(system, explain=False)
    technical, _parts = technical_fit(system, explain=False)
    return SystemInsight(
        system=system,
        hosted_items=hosted_items,
        yearly_cost=yearly_cost(system),
        cost_per_operation=cost_per_operation(system),
        functional=functional,
        technical=technical,
        recommendation=recommend(functional, technical),
    )
