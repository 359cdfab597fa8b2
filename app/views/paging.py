"""One page of a long list (inbox, comment moderation): `?page=N` (from 1), a fixed size, and
the links of the pager macro in templates/console/_pager.html."""

from dataclasses import dataclass
from math import ceil

from flask import request

from .params import bounded_int

PAGE_SIZE = 20


@dataclass
class Page:
    rows: list
    number: int
    pages: int
    total: int

    def args(self, number: int) -> dict:
        """The current query arguments with another page number (for the pager's links)."""
        args = request.args.to_dict()
        args["page"] = number
        return args


def requested_page() -> int:
    return max(bounded_int(request.args.get("page"), default=1, minimum=1) or 1, 1)


def page_of(rows: list, total: int | None = None, size: int = PAGE_SIZE) -> Page:
    """Page `?page=` of `rows` (all rows, or the page's rows when `total` is given)."""
    total = len(rows) if total is None else total
    pages = max(ceil(total / size), 1)
    number = min(requested_page(), pages)
    if len(rows) > size:
        rows = rows[(number - 1) * size : number * size]
    return Page(rows, number, pages, total)
