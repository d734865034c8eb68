"""Lists that scale: one list filtered, sorted and paged on the server, as the URL asks.

A list page reads its arguments from the query string, so a filtered view is a link one can
bookmark or share: ``?kind=NoStatement&principle=2&sort=-measure&page=2&per=50``. A page with a
second list gives that list's arguments a prefix (``systems.sort``, ``systems.page``). A
:class:`Spec` says which filters and sort keys a list has; :func:`show` applies the request's
:class:`Listing` to the items and returns the page as a JSON-ready record: the page's rows, the
total, links to other pages and sort orders (every other argument kept), the active filters
(each with a link that removes it), the choices of each filter with their counts, and download
links. With ``format=csv|xlsx|json`` (prefixed like the rest) the whole filtered, sorted list is
answered as a file instead (:mod:`web.downloads`).

Filtering only chooses what a list shows: the counts a page states come from
:meth:`mapper.analysis.Analysis.tally`, never from a filtered list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import urlencode

from flask import abort, request

from web.downloads import FORMATS, Table, download

#: Every filter a list may offer, in the order the filter form shows them.
FILTERS = ("institution", "kind", "principle", "stage", "modality", "status", "verdict", "subject_kind",
           "tier", "subject", "measure")
#: The most rows a page may ask for (``per=``).
PER_CAP = 500


@dataclass(frozen=True)
class Filter:
    """One filter of a list: the item's value (a short code: a UBN, a gap kind's code, a
    notation), its label, and whether the filter form offers its values as choices (a subject
    filter has too many: it is set by a link and shown as an active filter)."""

    value: Callable[[Any], str | None]
    label: Callable[[Any], dict | None] = lambda item: None
    choices: bool = True


@dataclass(frozen=True)
class Spec:
    """One list: its name (its download's file name), its arguments' prefix, its filters, its
    sort keys (the first is the default), its default page size and its download table."""

    name: str
    sorts: Mapping[str, Callable[[Any], Any]]
    table: Callable[[Sequence[Any]], Table]
    filters: Mapping[str, Filter] = field(default_factory=dict)
    prefix: str = ""
    per: int = 50
    default_sort: str = ""


@dataclass(frozen=True)
class Listing:
    """What the URL asks of one list: filter values, sort column (``-`` first: descending),
    page (from 1), rows per page, and a download format if one is asked."""

    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: str = ""
    page: int = 1
    per: int = 50
    format: str | None = None

    def wants(self, name: str) -> tuple[str, ...]:
        return dict(self.filters).get(name, ())


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def read_listing(spec: Spec, args: Mapping | None = None) -> Listing:
    """The request's :class:`Listing` of ``spec``: unknown filters and sort columns are ignored,
    the page size is kept between 1 and :data:`PER_CAP`."""
    args = request.args if args is None else args
    p = spec.prefix
    filters = tuple((name, tuple(v for v in args.getlist(p + name) if v))
                    for name in FILTERS if name in spec.filters and any(args.getlist(p + name)))
    sort = args.get(p + "sort", "")
    if sort.lstrip("-") not in spec.sorts:
        sort = spec.default_sort or next(iter(spec.sorts), "")
    fmt = args.get(p + "format")
    return Listing(filters, sort, max(1, _int(args.get(p + "page"), 1)),
                   min(PER_CAP, max(1, _int(args.get(p + "per"), spec.per))), fmt if fmt in FORMATS else None)


def _url(changes: Mapping[str, str | None]) -> str:
    """This request's URL with ``changes`` made to its query (None removes an argument)."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    query = urlencode(pairs)
    return request.script_root + request.path + ("?" + query if query else "")


def _sort_key(key: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def wrapped(item):
        value = key(item)
        return (value is None, value if value is not None else 0)
    return wrapped


def _matches(item, filters: Mapping[str, Filter], wanted: Mapping[str, tuple[str, ...]], skip: str = "") -> bool:
    return all(filters[name].value(item) in values for name, values in wanted.items() if name != skip)


def _facets(items: Sequence, spec: Spec, wanted: Mapping[str, tuple[str, ...]]) -> dict[str, list[dict]]:
    """Each offered filter's values among the items the other filters let through, with counts."""
    found = {}
    for name, flt in spec.filters.items():
        if not flt.choices:
            continue
        counts: dict[str, list] = {}
        for item in items:
            if _matches(item, spec.filters, wanted, skip=name):
                value = flt.value(item)
                if value is None:
                    continue
                if value in counts:
                    counts[value][1] += 1
                else:
                    counts[value] = [flt.label(item), 1]
        found[name] = [{"value": v, "label": label, "count": n, "selected": v in wanted.get(name, ())}
                       for v, (label, n) in counts.items()]
    return found


def filtered(items: Sequence, spec: Spec, listing: Listing) -> list:
    """The items the listing's filters let through, in its sort order (ties keep the given order)."""
    wanted = dict(listing.filters)
    kept = [item for item in items if _matches(item, spec.filters, wanted)] if wanted else list(items)
    column = listing.sort.lstrip("-")
    if column in spec.sorts:
        kept.sort(key=_sort_key(spec.sorts[column]), reverse=listing.sort.startswith("-"))
    return kept


def _page_links(page: int, pages: int, p: str) -> list[dict]:
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links, last = [], 0
    for n in shown:
        if n - last > 1:
            links.append({"gap": True})
        links.append({"page": n, "current": n == page, "url": _url({p + "page": str(n)})})
        last = n
    return links


def show(spec: Spec, items: Sequence, record: Callable[[Any], dict], args: Mapping | None = None,
         summary: Callable[[Sequence], Any] | None = None) -> dict:
    """The page of ``items`` the request asks for, each shown by ``record`` (and ``summary`` of
    the whole filtered list, if given); or, when the request asks for a download of this list,
    the whole filtered list as a file (the response ends the request)."""
    listing = read_listing(spec, args)
    kept = filtered(items, spec, listing)
    if listing.format:
        abort(download(spec.table(kept), _file_name(spec, listing), listing.format))
    p, wanted = spec.prefix, dict(listing.filters)
    pages = max(1, -(-len(kept) // listing.per))
    page = min(listing.page, pages)
    start = (page - 1) * listing.per
    rows = kept[start:start + listing.per]
    labels = {}
    for name, values in wanted.items():
        for item in items:
            if spec.filters[name].value(item) in values:
                labels.setdefault((name, spec.filters[name].value(item)), spec.filters[name].label(item))
    column, descending = listing.sort.lstrip("-"), listing.sort.startswith("-")
    reset = {p + k: None for k in (*FILTERS, "page", "format")}
    return {
        "name": spec.name, "prefix": p, "rows": [record(item) for item in rows], "total": len(kept),
        "of": len(items), "page": page, "pages": pages, "per": listing.per, "sort": listing.sort,
        "first": start + 1 if rows else 0, "last": start + len(rows),
        "prev_url": _url({p + "page": str(page - 1)}) if page > 1 else None,
        "next_url": _url({p + "page": str(page + 1)}) if page < pages else None,
        "page_links": _page_links(page, pages, p) if pages > 1 else [],
        "sort_links": {name: {"url": _url({p + "sort": _toggled(name, column, descending), p + "page": None}),
                              "dir": ("desc" if descending else "asc") if name == column else None}
                       for name in spec.sorts},
        "active": [{"name": name, "value": v, "label": labels.get((name, v)),
                    "remove_url": _url({p + name: None, p + "page": None}) if len(values) == 1
                    else _without(p + name, v, p + "page")}
                   for name, values in wanted.items() for v in values],
        "facets": _facets(items, spec, wanted),
        "reset_url": _url(reset) if wanted else None,
        "hidden": [(k, v) for k, v in request.args.items(multi=True)
                   if not (k.startswith(p) and k[len(p):] in (*FILTERS, "page", "format"))],
        "downloads": {fmt: _url({p + "format": fmt, p + "page": None}) for fmt in FORMATS},
        "summary": summary(kept) if summary else None,
    }


def _toggled(name: str, column: str, descending: bool) -> str:
    """The sort argument of a column's link: the other direction on the current column."""
    return name if name != column or descending else "-" + name


def _without(arg: str, value: str, page: str) -> str:
    """This request's URL without one of the values of a repeated argument, on page 1."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if not (k == arg and v == value) and k != page]
    query = urlencode(pairs)
    return request.script_root + request.path + ("?" + query if query else "")


def _file_name(spec: Spec, listing: Listing) -> str:
    """``NAME[-value...].FORMAT``, ASCII only (a filter value that is not becomes its position)."""
    parts = [spec.name]
    for _, values in listing.filters:
        for value in values:
            tail = value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            parts.append("".join(c if c.isascii() and (c.isalnum() or c in "._") else "_" for c in tail)[:40])
    return "-".join(p for p in parts if p) + "." + listing.format


def group_runs(rows: Sequence[dict], key: str) -> list[dict]:
    """The page's rows grouped by ``row[key]`` in order of first appearance, each group's rows in
    the page's order: ``[{"key": ..., "first": first row, "rows": [...]}]``."""
    groups: dict[Any, dict] = {}
    for row in rows:
        groups.setdefault(row[key], {"key": row[key], "first": row, "rows": []})["rows"].append(row)
    return list(groups.values())
