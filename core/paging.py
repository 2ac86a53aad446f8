"""Pages of a bounded number of rows, so that a list costs the same whatever its length.

``counted_page``: the rows of one page and the exact total, always two queries (a COUNT and a
LIMIT/OFFSET), also when the list is empty, so a page runs the same number of queries at any
size of the data. ``Page`` carries its own query-string parameter, so that one page can hold
several lists, each paged on its own (the deadlines dashboard: ``?overdue_page=2``).

``peeked_page``: no count, the rows of the page and whether one more follows (a search).

A page number that is not a number, zero or negative gives the first page; one past the end
gives the last page (as Django's ``Paginator.get_page``; ``peeked_page``: the first): a stale
link never fails.
"""

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

PER_PAGE = 25


def page_number(value: Any) -> int:
    """``value`` (a query-string value) as a page number ≥ 1; 1 for anything else."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


@dataclass
class Page:
    """One page of a list: its rows, its number and the exact ``count`` of the whole list."""

    rows: list
    number: int
    count: int | None  # None: not counted (``peeked_page``)
    per_page: int = PER_PAGE
    param: str = "page"
    # The other parameters of the request, kept in the links to the other pages.
    others: list[tuple[str, str]] = field(default_factory=list)
    more: bool = False  # an uncounted page: a row was found after this page's

    def __iter__(self) -> Iterator:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, item: object) -> bool:
        return item in self.rows

    @property
    def object_list(self) -> list:
        return self.rows

    @property
    def num_pages(self) -> int | None:
        if self.count is None:
            return None
        return max(math.ceil(self.count / self.per_page), 1)

    @property
    def has_next(self) -> bool:
        if self.count is None:
            return self.more
        return self.number < (self.num_pages or 1)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def query(self, number: int) -> str:
        """The query string of page ``number`` of this list, the other parameters kept."""
        return urlencode([*self.others, (self.param, str(number))])

    @property
    def next_query(self) -> str:
        return self.query(self.number + 1)

    @property
    def previous_query(self) -> str:
        return self.query(self.number - 1)


def counted_page(
    queryset, params: Mapping[str, Any], *, param: str = "page", per_page: int = PER_PAGE
) -> Page:
    """Page ``params[param]`` of ``queryset`` (ordered): a COUNT, then at most ``per_page``
    rows. ``params`` is the request's ``GET``; its other values are kept in the page links."""
    return page_of(queryset, queryset.count(), params, param=param, per_page=per_page)


def page_of(
    queryset,
    count: int,
    params: Mapping[str, Any],
    *,
    param: str = "page",
    per_page: int = PER_PAGE,
) -> Page:
    """Like ``counted_page`` for a list whose ``count`` is known another way (a summary):
    one query, the rows of the page."""
    last = max(math.ceil(count / per_page), 1)
    number = min(page_number(params.get(param, 1)), last)
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page])
    return Page(rows, number, count, per_page, param, _others(params, param))


def peeked_page(
    queryset, params: Mapping[str, Any], *, param: str = "page", per_page: int = PER_PAGE
) -> Page:
    """Page ``params[param]`` of ``queryset`` without counting the list: one query for the
    page's rows and one more (to know whether a next page exists). For a search, whose count
    would read every match however few are shown. A page past the end shows the first."""
    number = page_number(params.get(param, 1))
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        number, rows = 1, list(queryset[: per_page + 1])
    return Page(
        rows[:per_page], number, None, per_page, param, _others(params, param), len(rows) > per_page
    )


def _others(params: Mapping[str, Any], param: str) -> list[tuple[str, str]]:
    getlist = getattr(params, "getlist", None)
    return [
        (key, value)
        for key in params
        if key != param
        for value in (getlist(key) if getlist else [params[key]])
    ]
