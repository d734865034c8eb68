"""``fscai query``: run one of the regulator's named questions (``queries/*.rq``) on a store.

``fscai query --list`` lists them; ``fscai query NAME`` runs one through the store seam, so it
answers the same on the embedded store and on a remote SPARQL server. Exit codes
(:class:`cli.options.ExitCode`): 0 the query ran; 2 bad usage (unknown query, bad parameter);
3 the store unavailable.
"""

from __future__ import annotations

import csv
import io
import json

import click

from cli.options import opened, pass_layout, store_option
from mapper.report.text import display_width

#: A cell wider than this is cut with an ellipsis in the table format.
MAX_CELL = 60


@click.command("query")
@click.argument("name", required=False)
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table: aligned text; json: one object per row; csv: a header line, then one line per row.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Fill in a parameter of the query (see --list), e.g. --param ubn=83910461.")
@click.option("--list", "list_only", is_flag=True, help="List the named queries and their parameters.")
@pass_layout
def query_command(layout, name: str | None, store_url: str, fmt: str, params: tuple[str, ...], list_only: bool) -> None:
    """監理查詢 / Run a named regulator query (queries/NAME.rq) on the store.

    Without NAME (or with --list): the library of named queries.
    """
    from mapper.query_library import list_queries, read_query
    from mapper.rq import QueryFileError

    if list_only or name is None:
        click.echo(_listing(list_queries(layout)), nl=False)
        return
    try:
        named = read_query(name, layout)
        text = named.bind(_parameters(params))
    except QueryFileError as exc:
        raise click.UsageError(str(exc)) from None
    variables, rows = _run(store_url, text)
    click.echo(render_rows(variables, rows, fmt), nl=False)


def _parameters(params: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param takes NAME=VALUE, got {item!r}")
        values[key] = value
    return values


def _run(store_url: str, text: str) -> tuple[list[str], list[dict]]:
    """The SELECT query's variables (in the engine's order) and its rows of rdflib terms."""
    from mapper.store.terms import rows_from_solutions

    with opened(store_url) as store:
        solutions = store.results(text)
        return [variable.value for variable in solutions.variables], rows_from_solutions(solutions)


def render_rows(variables: list[str], rows: list[dict], fmt: str) -> str:
    """Rows of rdflib terms as a text table, JSON (one object per row) or CSV."""
    if fmt == "json":
        return json.dumps([{v: _json_value(row.get(v)) for v in variables} for row in rows],
                          ensure_ascii=False, indent=2) + "\n"
    cells = [[_text(row.get(v), compact=fmt == "table") for v in variables] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(cells)
        return buffer.getvalue()
    return _table(variables, cells) + f"({len(rows)} 列 / rows)\n"


def _listing(queries) -> str:
    lines = []
    for query in queries:
        lines.append(f"{query.name}\n  {query.title.zh}\n  {query.title.en}")
        for parameter in query.parameters:
            lines.append(f"  --param {parameter.name}=<{parameter.datatype}>  {parameter.description}")
    return "\n".join(lines) + "\n"


def _text(term, compact: bool) -> str:
    """A term's value; in the table, IRIs of the known namespaces as prefixed names."""
    if term is None:
        return ""
    from mapper.namespaces import PREFIXES

    value = str(term)
    if compact and term.__class__.__name__ == "URIRef":
        for prefix, namespace in PREFIXES.items():
            if value.startswith(namespace) and len(value) > len(namespace):
                return f"{prefix}:{value[len(namespace):]}"
    return value


def _json_value(term):
    if term is None:
        return None
    if term.__class__.__name__ == "Literal":
        python = term.toPython()
        if isinstance(python, (bool, int, float)):
            return python
        if python.__class__.__name__ == "Decimal":
            return float(python)
    return str(term)


def _cut(text: str) -> str:
    if display_width(text) <= MAX_CELL:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > MAX_CELL - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _table(variables: list[str], cells: list[list[str]]) -> str:
    rows = [variables] + [[_cut(c) for c in row] for row in cells]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(variables))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"

