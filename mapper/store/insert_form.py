"""Rewrite a CONSTRUCT query as the SPARQL Update that inserts its triples into one graph.

``Store.construct_into`` on the embedded backend runs the update instead of the query: Oxigraph
then evaluates and writes in Rust, and the derived triples (hundreds of thousands for a large
institution) never become Python objects.

The rewrite is textual, the smallest one SPARQL allows: ``CONSTRUCT { T } WHERE { P }`` becomes
``INSERT { GRAPH <g> { T } } USING <d1> ... USING NAMED <n1> ... WHERE { P }``, which SPARQL 1.1
Update (3.1.3) defines to insert exactly the triples the query would construct (triples with
unbound variables or literals as subjects are skipped by both; template blank nodes are fresh
per solution in both). Only the braces of the template and of the pattern need to be found, so
the scanner below knows just enough of SPARQL's lexical grammar (19.8) to skip comments, IRIs
and strings; pyoxigraph offers no algebra API to do it on a parse tree. Anything the update
form cannot say the same way gives ``None`` and the caller runs the query as before:

- ``CONSTRUCT WHERE`` (the short form), ``DESCRIBE`` and dataset clauses (``FROM``) of its own;
- solution modifiers after the pattern (``ORDER BY``, ``LIMIT``, ...): an update's pattern takes
  none;
- no ``default_graphs``: the query's default graph would be the union of all graphs, an update's
  only the store's default graph;
- ``GRAPH`` in the pattern while ``named_graphs`` is None (every graph): ``USING`` without ``USING
  NAMED`` leaves an update no named graphs at all.

>>> print(insert_form('PREFIX ex: <http://e/> CONSTRUCT { ?s ex:q "}" } WHERE { ?s ex:p ?o # }\\n }',
...                   "http://e/out", ["http://e/a", "http://e/b"], None))
PREFIX ex: <http://e/> INSERT { GRAPH <http://e/out> { ?s ex:q "}" } } USING <http://e/a> USING <http://e/b> WHERE { ?s ex:p ?o # }
 }
>>> insert_form("CONSTRUCT WHERE { ?s ?p ?o }", "http://e/out", ["http://e/a"], None) is None
True
>>> insert_form("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "http://e/out", ["http://e/a"], None) is None
True
>>> insert_form("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", "http://e/out", ["http://e/a"], None) is None
True
"""

from __future__ import annotations

from typing import Sequence

from mapper.store.lexer import tokens as _tokens


def insert_form(query: str, graph: str, default_graphs: Sequence[str] | None,
                named_graphs: Sequence[str] | None) -> str | None:
    """The update inserting into ``graph`` what ``query`` constructs over the given dataset, or
    None when the update form cannot say the same (see the module's docstring)."""
    if default_graphs is None:
        return None
    tokens = [t for t in _tokens(query) if t[0] not in ("space", "comment")]
    words = [t[1].upper() for t in tokens]
    if "CONSTRUCT" not in words:
        return None
    at = words.index("CONSTRUCT")
    # Prefixed names (ex:construct) and variables (?construct) are not the keyword.
    if at > 0 and tokens[at - 1][1] in ("?", "$", ":") or at + 1 < len(tokens) and tokens[at + 1][1] == ":":
        return None
    if at + 1 >= len(tokens) or tokens[at + 1][1] != "{":
        return None  # CONSTRUCT WHERE, or not a construct query at all
    template_end = _closing(tokens, at + 1)
    if template_end is None or template_end + 1 >= len(tokens):
        return None
    where = template_end + 1
    if words[where] == "WHERE":
        where += 1
    if where >= len(tokens) or tokens[where][1] != "{":
        return None  # FROM clauses, or something this rewrite does not know
    pattern_end = _closing(tokens, where)
    if pattern_end is None or pattern_end != len(tokens) - 1:
        return None  # solution modifiers or VALUES after the pattern
    if named_graphs is None and "GRAPH" in words[where:]:
        return None
    using = "".join(f" USING <{g}>" for g in default_graphs)
    using += "".join(f" USING NAMED <{g}>" for g in named_graphs or ())
    template_open, template_close = tokens[at + 1][2], tokens[template_end][2]
    where_start = tokens[template_end + 1][2]
    return (f"{query[:tokens[at][2]]}INSERT {{ GRAPH <{graph}> {query[template_open:template_close + 1]} }}"
            f"{using} {query[where_start:]}")


def _closing(tokens: list[tuple[str, str, int, int]], opening: int) -> int | None:
    """Index of the ``}`` that closes the ``{`` at ``opening``; None if it is never closed."""
    depth = 0
    for index in range(opening, len(tokens)):
        text = tokens[index][1]
        if text == "{":
            depth += 1
        elif text == "}":
            depth -= 1
            if depth == 0:
                return index
    return None
