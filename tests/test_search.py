"""The public search on its narrow copy finds exactly what a substring test of every published
item's fields finds (trigram index for 3+ characters, LIKE below), on SQLite and PostgreSQL,
with a constant number of statements, and the index follows the publications."""

import pytest
from sqlalchemy import func, select, text

from app.models import PublicationItem, PublicationSearch, ServiceItem
from app.services.publish import publication, search
from tests import factories as f
from tests.helpers import QueryCounter
from tests.test_publication import _approved, _publish

NAMES = (
    "本科生学籍证明开具",
    "研究生学籍异动",
    "教职工请假ABC审批",
    "成绩单_打印",
    "100%退费申请",
    '校园卡"挂失"',
    "图书借阅",
)
TERMS = (
    "学籍",
    "学籍证明",
    "证明",
    "abc",
    "ABC",
    "Abc审批",
    "b",
    "%",
    "_",
    "单_",
    "0%退",
    '"挂失"',
    "处",
    "学生处",
    "病假诊断",
    "不存在的事项",
    "a\nb",
)


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


@pytest.fixture
def pub(db_session, users):
    for n, name in enumerate(NAMES):
        item = _approved(db_session, users, f"SE-{n}", dept="T01" if n % 2 else "T02", name=name)
        if n == 2:
            f.material(db_session, db_session.get(ServiceItem, item.id), name="病假诊断书")
            db_session.commit()
    return _publish(db_session, users)


def expected(session, pub, term):
    """Codes whose name, department or material names contain the term, any case: every
    published row read and tested in Python, as the wide-table scan did."""
    wanted = search.normalise(term)
    rows = session.scalars(
        select(PublicationItem).where(PublicationItem.publication_id == pub.id)
    ).all()
    return sorted(
        r.code
        for r in rows
        if any(wanted in (v or "").lower() for v in (r.name, r.department_name, r.materials_text))
    )


def test_every_term_finds_what_a_substring_scan_finds(db_session, pub):
    """Two-, three- and four-character terms, Latin in any case, LIKE wildcards and quotes."""
    for term in TERMS:
        rows, total = publication.search(db_session, pub, text=term)
        assert sorted(r.code for r in rows) == expected(db_session, pub, term), term
        assert total == len(rows)
    assert publication.search(db_session, pub, text="学籍")[1] == 2
    assert publication.search(db_session, pub, text="abc")[1] == 1


def test_search_runs_three_statements_whatever_the_term(db_session, pub, app):
    """Count, the page's ids and the page's rows: for 2 and 4 characters, filters or none."""
    from app.extensions import db

    counts = []
    assert pub.id  # loaded before counting (the commit expired it)
    for kwargs in ({"text": "学籍"}, {"text": "学籍证明"}, {}, {"text": "证明", "page": 1}):
        with QueryCounter(db.engine) as counter:
            publication.search(db_session, pub, **kwargs)
        counts.append(counter.count)
    assert counts == [3, 3, 3, 3]


def test_the_index_follows_publications(db_session, users, pub):
    """A second publication is searchable at once; deleting a publication's items takes them
    out of the narrow copy and (on SQLite) of the FTS5 index, which stays consistent."""
    second = _publish(db_session, users)
    assert publication.search(db_session, second, text="学籍证明")[1] == 1
    count = db_session.scalar(select(func.count()).select_from(PublicationSearch))
    assert count == 2 * len(NAMES)
    db_session.execute(
        PublicationItem.__table__.delete().where(PublicationItem.publication_id == pub.id)
    )
    db_session.commit()
    assert publication.search(db_session, pub, text="学籍证明")[1] == 0
    assert publication.search(db_session, second, text="学籍证明")[1] == 1
    if db_session.get_bind().dialect.name == "sqlite":
        db_session.execute(
            text(
                "INSERT INTO publication_search_fts(publication_search_fts)"
                " VALUES ('integrity-check')"
            )
        )
        fts = db_session.scalar(
            text(
                "SELECT count(*) FROM publication_search_fts"
                " WHERE publication_search_fts MATCH '\"学籍证明\"'"
            )
        )
        assert fts == 1


def test_department_facets_are_those_of_the_publication(db_session, pub):
    names = [name for _id, name in publication.departments_of(db_session, pub)]
    assert names == sorted({"测试教务处", "测试学生处"})
    assert publication.departments_of(db_session, pub) == publication.departments_of(
        db_session, pub
    )
