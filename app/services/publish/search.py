"""The public search of a publication, on its narrow, normalised copy (`PublicationSearch`).

A term matches an item whose name, department or a material name contains it, in any case
(both the copy and the term are lower-cased in Python, so the engines agree). How the database
finds it:

- SQLite: terms of 3 characters or more through the FTS5 trigram table (`MATCH` on the quoted
  phrase); shorter terms by LIKE on the narrow table (the trigram index cannot serve them, and
  SQLite 3.40's trigram LIKE returns nothing for two CJK characters);
- PostgreSQL: LIKE on the narrow table, which the pg_trgm GIN index serves for 3+ characters
  (the database's LC_CTYPE must be UTF-8: with C, Chinese text has no trigrams).

Only the page's 50 rows are read from the wide `PublicationItem` table. The department facets
of a publication never change: they are cached per publication (Flask-Caching).
"""

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import func, literal_column, select, text
from sqlalchemy.orm import Session

from app.extensions import cache
from app.models import Publication, PublicationItem, PublicationSearch
from app.models.publication import SEARCH_SEPARATOR

PAGE_SIZE = 50
TERM_MAX = 50
TRIGRAM = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise(value: str | None) -> str:
    """A search term as the copy stores text: no control characters, lower case."""
    return _CONTROL.sub("", (value or "").strip()[:TERM_MAX]).lower()


def body(name: str | None, department_name: str | None, materials_text: str | None) -> str:
    """The searchable text of one item (the separator keeps a term from spanning fields)."""
    return SEARCH_SEPARATOR.join((name or "", department_name or "", materials_text or "")).lower()


def index_items(session: Session, publication: Publication, items: Iterable[dict]) -> None:
    """Write the narrow copy of a publication's items (just inserted as PublicationItem)."""
    ids = dict(
        session.execute(
            select(PublicationItem.code, PublicationItem.id).where(
                PublicationItem.publication_id == publication.id
            )
        ).all()
    )
    rows = [
        {
            "id": ids[i["code"]],
            "publication_id": publication.id,
            "department_id": i["department_id"],
            "department_name": i["department_name"] or "",
            "code": i["code"],
            "user_groups": i["user_groups"],
            "body": body(i["name"], i["department_name"], i["materials_text"]),
        }
        for i in items
    ]
    if rows:
        session.execute(PublicationSearch.__table__.insert(), rows)


def _text_clause(session, term):
    if session.get_bind().dialect.name == "sqlite" and len(term) >= TRIGRAM:
        phrase = '"' + term.replace('"', '""') + '"'
        matches = (
            text(
                "SELECT rowid FROM publication_search_fts"
                " WHERE publication_search_fts MATCH :phrase"
            )
            .bindparams(phrase=phrase)
            .columns(literal_column("rowid"))
        )
        return PublicationSearch.id.in_(matches)
    return PublicationSearch.body.contains(term, autoescape=True)


def search(
    session: Session,
    publication: Publication,
    text: str | None = None,
    department_id: int | None = None,
    user_group: str | None = None,
    page: int = 0,
) -> tuple[list[PublicationItem], int]:
    """(rows of the page, total) of a publication's items matching a term and filters."""
    where = [PublicationSearch.publication_id == publication.id]
    term = normalise(text)
    if term:
        where.append(_text_clause(session, term))
    if department_id:
        where.append(PublicationSearch.department_id == department_id)
    if user_group:
        where.append(
            func.coalesce(PublicationSearch.user_groups, "").contains(user_group, autoescape=True)
        )
    total = session.scalar(select(func.count()).select_from(PublicationSearch).where(*where))
    page_ids = list(
        session.scalars(
            select(PublicationSearch.id)
            .where(*where)
            .order_by(PublicationSearch.department_name, PublicationSearch.code)
            .limit(PAGE_SIZE)
            .offset(max(page, 0) * PAGE_SIZE)
        )
    )
    rows = session.scalars(select(PublicationItem).where(PublicationItem.id.in_(page_ids))).all()
    order = {item_id: n for n, item_id in enumerate(page_ids)}
    return sorted(rows, key=lambda r: order[r.id]), total or 0


def departments_of(session: Session, publication: Publication) -> Sequence[tuple[int, str]]:
    """(id, name) of the departments present in a publication, for the filter (cached: a
    publication never changes)."""
    key = f"publication-departments:{publication.id}:{publication.content_hash}"
    found = cache.get(key)
    if found is None:
        found = [
            tuple(row)
            for row in session.execute(
                select(PublicationSearch.department_id, PublicationSearch.department_name)
                .where(PublicationSearch.publication_id == publication.id)
                .distinct()
                .order_by(PublicationSearch.department_name)
            )
        ]
        cache.set(key, found)
    return found
