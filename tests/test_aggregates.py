"""The board's SQL aggregates give the numbers the per-record Python rules give, and the pages
built on them run a constant number of statements, cached under the data stamp."""

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.models import InformationSystem, ServiceItem
from app.services.campaign import board, board_facts
from app.services.catalog import completeness
from app.services.trail import stamped
from tests import factories as f
from tests.helpers import QueryCounter

BLANKS = (None, "", "  ", "\u3000", "\n\t", "写了")


def varied_items(session, count, prefix="AG"):
    """`count` items in T01 and T02 whose modules, nodes, materials, running status, workflow
    status and lifecycle run through every kind of gap (blank strings of several sorts
    included), deterministically."""
    combos = itertools.cycle(
        itertools.product(
            range(len(BLANKS)),
            (0, 1, 2, 3),  # materials: none, good, blank name, two with one blank form
            (0, 1),  # nodes
            ("good", "improve", "deploy"),
            ("draft", "returned", "submitted", "approved"),
        )
    )
    for n in range(count):
        blank, materials, nodes, running, status = next(combos)
        text = BLANKS[(blank + n) % len(BLANKS)]
        item = f.service_item(
            session,
            code=f"{prefix}-{n:04d}",
            dept="T01" if n % 3 else "T02",
            running_status=running,
            status=status,
            lifecycle="offline" if n % 17 == 5 else "online",
            conditions=text if n % 2 else "在籍学生",
            path="融合门户" if n % 5 else BLANKS[blank],
            consultation="0816-1234567",
            time_limit_days=None if n % 7 == 3 else 3,
            service_hours="工作日",
            tips=BLANKS[(blank + 2) % len(BLANKS)] if n % 4 == 1 else "提示",
            disposition=BLANKS[blank] if running == "improve" else None,
            transformation_needs=BLANKS[(blank + 1) % len(BLANKS)] if running == "deploy" else None,
        )
        if materials == 1:
            f.material(session, item, name="申请表")
        elif materials == 2:
            f.material(session, item, name=" ")
        elif materials == 3:
            f.material(session, item, name="申请表", position=1)
            f.material(session, item, name="证明", form="\u3000", position=2)
        if nodes:
            f.process_node(session, item)


def varied_systems(session, count):
    for n in range(count):
        f.information_system(
            session,
            code=f"AGS-{n:03d}",
            dept="T01" if n % 2 else "T02",
            status=("draft", "returned", "approved")[n % 3],
            vendor=BLANKS[n % len(BLANKS)],
            go_live_date=date(2020, 1, 1),
            build_cost=Decimal("1"),
            annual_om_cost=None if n % 5 == 2 else Decimal("1"),
            user_groups="staff",
            daily_active_operations=10,
            core_usage_rate=Decimal("50"),
            deployment="local",
            mobile_adaptation="full",
            portal_integration="full",
            security_risk=n % 4 == 1,
            problem_details=BLANKS[(n + 1) % len(BLANKS)],
        )


def by_python(session, model, extra=()):
    """{department id: (count, [(record, what it lacks)] of the first 3 by code)}: every open
    record loaded as an ORM object and checked by `completeness`, as the board did before."""
    query = (
        select(model)
        .where(model.status.in_(board_facts.EDITABLE_STATUSES), *extra)
        .order_by(model.code)
    )
    found = {}
    for record in session.scalars(query):
        missing = completeness.missing(record)
        if missing:
            found.setdefault(record.department_id, []).append((str(record), missing))
    return {dept: (len(rows), rows[:3]) for dept, rows in found.items()}


def test_sql_completeness_counts_match_the_python_rules(db_session):
    """Same incomplete counts and the same named examples (with what each lacks) per
    department, from the grouped SQL and from the per-record rules, on 240 varied items and
    30 systems."""
    varied_items(db_session, 240)
    varied_systems(db_session, 30)
    db_session.commit()
    facts = board_facts.facts(db_session, None)
    expected_items = by_python(db_session, ServiceItem, (~ServiceItem.is_offline,))
    assert facts["bad_items"] == expected_items
    assert sum(count for count, _ in expected_items.values()) > 50  # the data has gaps
    assert facts["bad_systems"] == by_python(db_session, InformationSystem)


def _statements(client, url):
    from app.extensions import db

    with QueryCounter(db.engine) as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_board_and_home_statements_do_not_grow_with_items(db_session, client_as):
    """The board page and the IT office's home page run as many statements for 12 items as
    for 120 (computed afresh after each commit), and fewer again when nothing changed."""
    admin = client_as("admin")
    counts = []
    for size, prefix in ((12, "S"), (120, "L")):
        varied_items(db_session, size, prefix)
        db_session.commit()
        cold = (_statements(admin, "/board/"), _statements(admin, "/"))
        counts.append(cold)
    assert counts[0] == counts[1]
    warm = _statements(admin, "/board/")
    assert warm < counts[1][0]


def test_a_committed_change_reaches_the_cached_board(db_session):
    """The second build is served from the cache; a committed change moves the data stamp and
    the next build counts it."""
    varied_items(db_session, 30)
    db_session.commit()
    first = board.build(db_session, date(2026, 8, 1))
    before_again = stamped.stats()
    again = board.build(db_session, date(2026, 8, 1))
    after_again = stamped.stats()
    # Every cached part of the board (its facts, the hall progress) comes from the cache.
    assert after_again["misses"] == before_again["misses"]
    assert after_again["hits"] > before_again["hits"]
    assert [r.score for r in again.rows] == [r.score for r in first.rows]
    before = {r.department.code: r.rules["items"].total for r in first.rows}
    f.complete_item(db_session, code="AG-NEW")
    db_session.commit()
    after = {r.department.code: r.rules["items"].total for r in board.build(db_session).rows}
    assert after["T01"] == before["T01"] + 1


def test_an_uncommitted_change_is_counted_but_never_cached(db_session):
    """Figures built inside a transaction with pending changes count them, and do not
    survive its rollback."""
    varied_items(db_session, 6)
    db_session.commit()
    clean = {r.department.code: r.rules["items"].total for r in board.build(db_session).rows}
    f.complete_item(db_session, code="AG-PENDING")
    pending = {r.department.code: r.rules["items"].total for r in board.build(db_session).rows}
    assert pending["T01"] == clean["T01"] + 1
    db_session.rollback()
    again = {r.department.code: r.rules["items"].total for r in board.build(db_session).rows}
    assert again == clean


def test_the_cached_portfolio_holds_the_reports_figures(db_session, client_as):
    """The page's plain, cached report has the same systems, figures and findings as the
    report built from the records, and a warm page runs fewer statements than a cold one."""
    from app.services.insight import portfolio

    varied_items(db_session, 30)
    varied_systems(db_session, 12)
    db_session.commit()
    admin_user = f.user(db_session, "admin")
    live = portfolio.report(db_session, admin_user)
    cached = portfolio.page_report(db_session, admin_user)

    def systems(data):
        return [
            (str(s.system), s.hosted_items, s.yearly_cost, s.recommendation, str(s.reason))
            for s in data["systems"]
        ]

    def findings(data):
        return {k: [(str(f.record), str(f.detail)) for f in v] for k, v in data["findings"].items()}

    assert systems(cached) == systems(live) and findings(cached) == findings(live)
    assert cached["totals"] == live["totals"] and cached["summary"] == live["summary"]
    from app.extensions import cache

    admin = client_as("admin")
    cache.clear()
    cold = _statements(admin, "/portfolio/")
    assert _statements(admin, "/portfolio/") < cold


def _flags(session):
    from sqlalchemy import text

    return dict(session.execute(text("SELECT code, incomplete FROM service_item")).all())


def _python_flags(session):
    return {
        item.code: bool(completeness.missing_for_item(item))
        for item in session.scalars(select(ServiceItem))
    }


def test_the_stored_completeness_follows_every_change(db_session):
    """After each commit every item's stored flag is what the Python rule says: new items, an
    edited material, a deleted node, a bulk Core insert; the refresh leaves the version and
    updated_at alone, and a rolled-back change leaves the flag as it was."""
    from sqlalchemy import insert

    from app.models import Material, ProcessNode

    varied_items(db_session, 48)
    db_session.commit()
    assert None not in _flags(db_session).values()
    assert _flags(db_session) == _python_flags(db_session)
    item = f.complete_item(db_session, code="AG-FLAG")
    db_session.commit()
    assert _flags(db_session)["AG-FLAG"] is False or _flags(db_session)["AG-FLAG"] == 0
    version, updated = item.version, item.updated_at
    material = db_session.scalars(select(Material).where(Material.item_id == item.id)).first()
    material.name = "\u3000"
    db_session.commit()
    assert _flags(db_session)["AG-FLAG"] in (True, 1)
    material.name = "申请表"
    db_session.commit()
    assert _flags(db_session)["AG-FLAG"] in (False, 0)
    for node in db_session.scalars(select(ProcessNode).where(ProcessNode.item_id == item.id)):
        db_session.delete(node)
    db_session.commit()
    assert _flags(db_session)["AG-FLAG"] in (True, 1)
    db_session.execute(
        insert(ProcessNode), [{"item_id": item.id, "name": "审核", "position": 1, "kind": "review"}]
    )
    db_session.commit()
    assert _flags(db_session)["AG-FLAG"] in (False, 0)
    db_session.refresh(item)
    assert (item.version, item.updated_at) == (version, updated)
    item.tips = ""
    db_session.flush()
    db_session.rollback()
    assert _flags(db_session)["AG-FLAG"] in (False, 0)
    assert _flags(db_session) == _python_flags(db_session)
