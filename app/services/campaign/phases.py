"""The year's phases and each board rule's deadline.

**Deadlines**: each rule is due at the end of a phase of the year's campaign (`RULE_PHASE`):
contacts at the end of 联系人报送 (7-20 in the notice), items, systems and submission at the end
of 部门自查报送 (9-10), approval at the end of 统一归集梳理 (9-30). A campaign without that phase
gives the rule the campaign's end date. No campaign for the year: the notice's dates are used.

**Current phase**: of the campaign's phases, the one with the earliest deadline that is today or
later; after the last deadline, the last phase.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Campaign
from app.models.choices import PHASE_KIND

RULE_PHASE = {
    "contacts": "contacts",
    "items": "self_check",
    "systems": "self_check",
    "submitted": "self_check",
    "approved": "aggregation",
}
# The notice's phases: kind, (start month, day), (end month, day).
NOTICE_PHASES = (
    ("contacts", (7, 1), (7, 20)),
    ("self_check", (7, 1), (9, 10)),
    ("aggregation", (9, 11), (9, 30)),
    ("final", (10, 1), (12, 31)),
)


@dataclass
class Phase:
    """A phase as the board reads it (from the campaign or the notice's defaults)."""

    kind: str
    name: str
    start_date: date
    end_date: date


@dataclass
class Schedule:
    """The year's phases, the current one and each rule's deadline."""

    year: int
    campaign: Campaign | None
    phases: list
    current: Phase
    deadlines: dict


def notice_phases(year: int) -> list[Phase]:
    return [
        Phase(kind, PHASE_KIND.label(kind), date(year, *start), date(year, *end))
        for kind, start, end in NOTICE_PHASES
    ]


def campaign_for(session: Session, today: date) -> Campaign | None:
    """The campaign of today's year, else the latest one that has started, else None."""
    campaign = session.scalars(
        select(Campaign).where(Campaign.year == today.year).options(selectinload(Campaign.phases))
    ).first()
    if campaign is None:
        campaign = session.scalars(
            select(Campaign)
            .where(Campaign.start_date <= today)
            .order_by(Campaign.year.desc())
            .options(selectinload(Campaign.phases))
        ).first()
    return campaign


def schedule(session: Session, today: date) -> Schedule:
    """Phases, current phase and rule deadlines for `today` (the notice's dates by default)."""
    campaign = campaign_for(session, today)
    if campaign is not None and campaign.phases:
        phases = [Phase(p.kind, p.name, p.start_date, p.end_date) for p in campaign.phases]
        year, end = campaign.year, campaign.end_date
    else:
        year = campaign.year if campaign is not None else today.year
        phases = notice_phases(year)
        end = campaign.end_date if campaign is not None else date(year, 12, 31)
    by_end = sorted(phases, key=lambda p: (p.end_date, p.start_date))
    current = next((p for p in by_end if p.end_date >= today), by_end[-1])
    ends = {}
    for phase in phases:
        ends.setdefault(phase.kind, phase.end_date)
    deadlines = {rule: ends.get(kind, end) for rule, kind in RULE_PHASE.items()}
    return Schedule(year, campaign, phases, current, deadlines)
