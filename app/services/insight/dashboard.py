"""The dashboard's figures for one user: rows, chart images and XLSX, cached.

Everything is cached in the process under the key (figure, output, scope, language, data
version): the scope is the user's department scope (`scope.scope_department_id`, None for the
college), so a contact never receives what was computed for another scope; the data version is
the committed counter of `app.services.trail.data_version`, which every change of the underlying
records moves in its own transaction, so each worker drops to a fresh computation as soon as the
change is committed. Entries of older versions are evicted as newer ones arrive.
"""

from collections import OrderedDict
from threading import Lock

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import ConsoleUser
from app.reports.tables import figure_workbook
from app.services.access import scope
from app.services.errors import NotFoundError
from app.services.insight import figures
from app.services.trail import data_version

CACHE_SIZE = 512
_CACHE = OrderedDict()
_LOCK = Lock()
_STATS = {"hits": 0, "misses": 0}


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
        _STATS.update(hits=0, misses=0)


def cache_info() -> dict[str, int]:
    with _LOCK:
        return {"entries": len(_CACHE), **_STATS}


def _cached(key, compute):
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            _STATS["hits"] += 1
            return _CACHE[key]
        _STATS["misses"] += 1
    value = compute()
    version = key[-1]
    with _LOCK:
        for old in [k for k in _CACHE if k[-1] < version]:
            del _CACHE[old]
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


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

    def _key(self, name, output):
        return (name, output, self.scope, self.locale, self.version)

    def rows(self, name: str) -> list[dict[str, object]]:
        spec = figure(name)
        return _cached(self._key(name, "rows"), lambda: spec.rows(self.session, self.user))

    def image(self, name: str, fmt: str) -> bytes:
        if fmt not in ("png", "svg"):
            raise NotFoundError(_("记录不存在。"))
        # Matplotlib loads on the first chart, not when a worker starts (as for flowcharts).
        from app.reports.charts import draw

        spec = figure(name)
        rows = self.rows(name)
        series = [(key, next(c.label for c in spec.columns if c.key == key)) for key in spec.series]
        return _cached(
            self._key(name, fmt),
            lambda: draw(spec.style, figures.figure_title(spec), rows, series, fmt, spec.unit),
        )

    def tables(self) -> list[tuple[figures.Figure, str, list[dict[str, object]]]]:
        """[(figure, title, rows)] for the dashboard page."""
        return [
            (spec, figures.figure_title(spec), self.rows(spec.name)) for spec in figures.FIGURES
        ]

    def xlsx(self, name: str) -> bytes:
        """The figure's table as XLSX bytes (written by app.reports.tables), cached."""
        spec = figure(name)
        rows = self.rows(name)
        return _cached(
            self._key(name, "xlsx"),
            lambda: figure_workbook(figures.figure_title(spec), spec.columns, rows),
        )
