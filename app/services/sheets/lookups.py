"""What the rows of one import may name (departments, hosting systems, choice labels) and the
service items they may match, loaded once per run."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Department, InformationSystem, ServiceItem
from app.models.user import Actor
from app.services.access import scope
from app.services.sheets.cells import ChoiceMaps

CHUNK = 900  # codes per IN (...): under SQLite's bound-parameter limit


class Lookups(ChoiceMaps):
    """Departments and systems a file may name, and the records its rows may match."""

    def __init__(self, session: Session, user: Actor, department: Department | None) -> None:
        super().__init__()
        self.session, self.user = session, user
        self.load_departments()
        query = scope.hosting_system_choices(user, session.query(InformationSystem))
        self.systems: dict[str, InformationSystem] = {s.code: s for s in query}
        by_name: dict[str, list[InformationSystem]] = {}
        for system in self.systems.values():
            by_name.setdefault(system.name, []).append(system)
        for name, found in by_name.items():
            if len(found) == 1 and name not in self.systems:
                self.systems[name] = found[0]
        self.ambiguous_systems = {name for name, found in by_name.items() if len(found) > 1}
        # Systems a row may keep but not newly choose: another department's unapproved system
        # that already hosts the row's item (a pre-filled template names it by code).
        chosen = {s.id for s in self.systems.values()}
        self.kept_systems: dict[str, InformationSystem] = {
            s.code: s for s in session.scalars(select(InformationSystem)) if s.id not in chosen
        }
        self.only = department  # a Department the rows must belong to, or None

    def load_departments(self) -> None:
        """The departments by name and by code; a word that is one department's name and
        another's code names neither (`ambiguous_departments`: word -> the two)."""
        self.departments: dict[str, Department] = {}
        self.ambiguous_departments: dict[str, tuple[Department, Department]] = {}
        found = list(self.session.scalars(select(Department)))
        for dept in found:
            self.departments[dept.code] = dept
        for dept in found:
            other = self.departments.get(dept.name)
            if other is not None and other is not dept:
                self.ambiguous_departments[dept.name] = (dept, other)
            self.departments.setdefault(dept.name, dept)
        for word in self.ambiguous_departments:
            del self.departments[word]

    def load_items(self, codes: Iterable[str] | None, children: bool) -> dict[str, ServiceItem]:
        """The service items with these codes (all when None), with their children if asked."""
        query = select(ServiceItem)
        if children:
            query = query.options(
                selectinload(ServiceItem.materials), selectinload(ServiceItem.nodes)
            )
        found: dict[str, ServiceItem] = {}
        if codes is None:
            chunks = [query]
        else:
            codes = list(codes)
            chunks = [
                query.where(ServiceItem.code.in_(codes[start : start + CHUNK]))
                for start in range(0, len(codes), CHUNK)
            ]
        for chunk in chunks:
            for item in self.session.scalars(chunk).unique():
                found[item.code] = item
        return found
