"""The demo college's last check of its live items' online entries (no request is made: the
demo's addresses are invented). Most answer; a few are dead or unreachable, so that the entry
list, the item pages and the campaign board show what a real night's check finds."""

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import EntryCheck, ServiceItem
from app.models.choices import ENTRY_OUTCOME, LIFECYCLE
from app.services.demo.rows import Context
from app.services.ledger.entries import entry_url

# (outcome, HTTP status, detail, share)
OUTCOMES = (
    (ENTRY_OUTCOME.ALIVE, 200, None, 92),
    (ENTRY_OUTCOME.DEAD, 404, "HTTP 404", 5),
    (ENTRY_OUTCOME.UNREACHABLE, None, "连接超时", 3),
)


def seed_entry_checks(session: Session, ctx: Context) -> None:
    """One check row per live item with an entry and none yet, as of this morning (so a second
    run adds nothing)."""
    rng = random.Random(7)
    checked = ctx.now.replace(hour=2, minute=0, second=0, microsecond=0)
    items = session.scalars(
        select(ServiceItem).where(
            ServiceItem.lifecycle == LIFECYCLE.ONLINE,
            ServiceItem.online_entry.is_not(None),
            ~ServiceItem.id.in_(select(EntryCheck.item_id)),
        )
    ).all()
    weights = [share for *_rest, share in OUTCOMES]
    for item in items:
        url = entry_url(item.online_entry)
        if url is None:
            outcome, code, detail = ENTRY_OUTCOME.NO_URL, None, None
        else:
            outcome, code, detail, _share = rng.choices(OUTCOMES, weights)[0]
        failing = outcome in (ENTRY_OUTCOME.DEAD, ENTRY_OUTCOME.UNREACHABLE)
        session.add(
            EntryCheck(
                item_id=item.id,
                url=url,
                outcome=outcome,
                status_code=code,
                detail=detail,
                checked_at=checked,
                failures=1 if failing else 0,
                failing_since=checked if failing else None,
            )
        )
