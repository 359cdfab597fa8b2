"""The dashboard's figures for one user: rows, chart images and XLSX, cached.

Everything is cached by Flask-Caching (`app.services.trail.stamped`: Redis when REDIS_URL is
set, shared by every worker and host) under the key (figure, output, scope, language, data
version): the scope is the user's department scope (`scope.scope_department_id`, None for the
college), so a contact never receives what was computed for another scope; the data version is
the committed counter of `app.services.trail.data_version`, which every change of the underlying
records moves in its own transaction, so each worker drops to a fresh computation as soon as the
change is committed. Entries of older versions expire (CACHE_DEFAULT_TIMEOUT).
"""

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.extensions import cache
from app.models import ConsoleUser
from app.reports.tables import figure_workbook
from app.services.access import scope
from app.services.errors import NotFoundError
from app.services.insight import figures
from app.services.trail import data_version, stamped


def clear_cache() -> None:
    """Empty the shared cache (figures, board, assessment: everything under the stamp)."""
    cache.clear()


def cache_info() -> dict[str, int]:
    return stamped.stats()


def figure(name: str) -> figures.Figure:
    """The figure called `name`, else NotFoundError."""
    found = figures.BY_NAME.get(name)
    if found is None:
        raise NotFoundError(_("记录不存在。"))
    return found


class Dashboard:
    """The figures as one user may see them, at the data version read when it is created."""

    def __init__(self, session: Session, user: ConsoleUser) -> None:
        self.session, self.user = session, user
        self.scope = scope.scope_department_id(user)
        self.version = data_version.current(session)
        self.locale = str(get_locale() or "")

    def _cached(self, name, output, compute):
        return stamped.stamped(
            self.session, "figure", (name, output, self.scope, self.locale), compute, self.version
        )

    def rows(self, name: str) -> list[dict[str, object]]:
        spec = figure(name)
        return self._cached(name, "rows", lambda: spec.rows(self.session, self.user))

    def unfilled(self, name: str) -> int:
        """How many records the figure leaves out because a number it plots is blank."""
        spec = figure(name)
        if spec.unfilled is None:
            return 0
        rows = self.rows(name)
        return self._cached(name, "unfilled", lambda: spec.unfilled(self.session, self.user, rows))

    def note(self, name: str) -> str:
        """ "N 项未填写" beside the figure when it leaves records out, else ""."""
        return figures.unfilled_note(self.unfilled(name))

    def image(self, name: str, fmt: str) -> bytes:
        if fmt not in ("png", "svg"):
            raise NotFoundError(_("记录不存在。"))
        # Matplotlib loads on the first chart, not when a worker starts (as for flowcharts).
        from app.reports.charts import draw

        spec = figure(name)
        rows = self.rows(name)
        series = [(key, next(c.label for c in spec.columns if c.key == key)) for key in spec.series]
        note = self.note(name)
        title = figures.figure_title(spec)
        return self._cached(
            name, fmt, lambda: draw(spec.style, title, rows, series, fmt, spec.unit, note)
        )

    def tables(self) -> list[tuple[figures.Figure, str, list[dict[str, object]], str]]:
        """[(figure, title, rows, "N 项未填写" or "")] for the dashboard page."""
        return [
            (spec, figures.figure_title(spec), self.rows(spec.name), self.note(spec.name))
            for spec in figures.FIGURES
        ]

    def xlsx(self, name: str) -> bytes:
        """The figure's table as XLSX bytes (written by app.reports.tables), cached."""
        spec = figure(name)
        rows = self.rows(name)
        note = self.note(name)
        title = figures.figure_title(spec)
        return self._cached(name, "xlsx", lambda: figure_workbook(title, spec.columns, rows, note))
