"""Numbers and text read from URLs: bounded, ASCII digits only, never a 500.

Every id the console stores is an INTEGER column (PostgreSQL's limit is 2**31 - 1), so a
number past that cannot name a row: `/public/versions/99999999999999999999/` is a 404, not an
overflow in the database driver. `install(app)`, before any view runs:

- makes Flask's `<int:...>` converter stop at MAX_ID (a larger number matches no route: 404);
- answers 404 for a FAB `<pk>` (show, edit, delete, action) that cannot be an integer key of
  the view's table, FAB's own user and role views included;
- answers 404 for FAB's file download route (the console keeps no files through FAB);
- fixes FAB's list arguments, which FAB reads with `int()` and list indexing: `page_*` and
  `psize_*` that are not numbers are dropped, numbers are clamped to [0, MAX_PAGE] and
  [1, LIST_MAX_PAGE_SIZE]; `_flt_<n>_<column>` naming a filter the column lacks is dropped;
- answers 400 to a NUL byte in the path or the query (PostgreSQL refuses it in any text).
"""

import re

from flask import abort, current_app, request
from flask_appbuilder import ModelView
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
# Largest page number a FAB list accepts (offset = page x page size stays far below MAX_ID).
MAX_PAGE = 100_000
_DIGITS = re.compile(r"[0-9]{1,10}")
_SIGNED = re.compile(r"[+-]?[0-9]{1,30}")
# FAB finds these anywhere in an argument's name (re.findall), so search, not match.
_FAB_PAGE_ARG = re.compile(r"page_", re.S)
_FAB_SIZE_ARG = re.compile(r"psize_", re.S)
_FAB_FILTER_ARG = re.compile(r"_flt_(\d)_(.*)", re.S)


def bounded_int(value, default=None, minimum=0, maximum=MAX_ID):
    """`value` (a str of ASCII digits, or an int) as an int within [minimum, maximum], else
    `default`. `str.isdigit()` is not enough: it accepts "²", which int() refuses."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return default
    return number if minimum <= number <= maximum else default


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches only numbers up to MAX_ID (a larger one is a 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _fab_view():
    """The FAB view instance serving this request, if any (its routes are bound methods)."""
    return getattr(current_app.view_functions.get(request.endpoint), "__self__", None)


def _clamped(value, low, high):
    """A signed decimal clamped to [low, high] as text, or None for anything else."""
    if not _SIGNED.fullmatch(value):
        return None
    return str(min(max(int(value), low), high))


def _list_arg(key, value, view):
    """The value FAB may read for this argument (unchanged, clamped), or None to drop it."""
    if _FAB_SIZE_ARG.search(key):
        return _clamped(value, 1, current_app.config.get("LIST_MAX_PAGE_SIZE", 100))
    if _FAB_PAGE_ARG.search(key):
        return _clamped(value, 0, MAX_PAGE)
    match = _FAB_FILTER_ARG.search(key)
    if match:
        # FAB indexes the column's filters with the number: a missing one is an IndexError.
        known = getattr(getattr(view, "_filters", None), "_all_filters", None) or {}
        return value if int(match[1]) < len(known.get(match[2], ())) else None
    return value


def _refuse_impossible_pk(view):
    pk = (request.view_args or {}).get("pk")
    datamodel = getattr(view, "datamodel", None)
    if pk is None or datamodel is None or datamodel.is_pk_composite():
        return
    if datamodel.is_integer(datamodel.get_pk_name()) and bounded_int(pk) is None:
        abort(404)


def _check_request():
    path_values = (request.view_args or {}).values()
    if any("\x00" in str(v) for v in path_values) or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(400)
    view = _fab_view()
    if isinstance(view, ModelView) and request.endpoint.endswith(".download"):
        abort(404)
    _refuse_impossible_pk(view)
    pairs = list(request.args.items(multi=True))
    cleaned = [(k, _list_arg(k, v, view)) for k, v in pairs]
    cleaned = [(k, v) for k, v in cleaned if v is not None]
    if cleaned != pairs:
        request.args = ImmutableMultiDict(cleaned)


def install(app):
    """Call before any route is added (see the module's docstring)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_check_request)
