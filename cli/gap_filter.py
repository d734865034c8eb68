"""``--kind``, ``--principle``, ``--subject``: which gaps ``fscai gaps`` and ``fscai report`` list.

The values are checked against the knowledge the store holds (the gap kinds of
``ontology/rules.ttl``, the principles of the catalogue), never against a list in Python: a value
that is none of them is a usage error (exit 2) listing the valid ones in both languages. The
filter narrows the gap list only: every count (the summary table, the totals, the matrix) stays
the institution's, since the renderers count :attr:`mapper.analysis.Analysis.gaps` and list
:attr:`~mapper.analysis.Analysis.listed` (:class:`mapper.gaps.GapFilter`).
"""

from __future__ import annotations

import functools

import click

#: The three options, each repeatable; kinds and principles also take comma lists
#: (``--kind NoEvidence,Partial``). Subjects are IRIs, which may hold a comma: one per option.
kind_option = click.option(
    "--kind", "kinds", multiple=True, metavar="CODE[,CODE]",
    help="List only gaps of these kinds (e.g. NoEvidence, Partial: the codes of fsc:GapKind); repeatable.")
principle_option = click.option(
    "--principle", "principles", multiple=True, metavar="N[,N]",
    help="List only gaps under these principles (their notations, e.g. 2); repeatable.")
subject_option = click.option(
    "--subject", "subjects", multiple=True, metavar="IRI",
    help="List only gaps of this subject (an AI system's, vendor's or institution's IRI); repeatable.")


def filter_options(command):
    """The three options, passed to ``command`` as one ``wanted`` argument: a function of the store
    and the catalogue giving the :class:`mapper.gaps.GapFilter`, or None when none is given."""

    @kind_option
    @principle_option
    @subject_option
    @functools.wraps(command)
    def with_filter(*args, kinds: tuple[str, ...], principles: tuple[str, ...], subjects: tuple[str, ...], **kwargs):
        kinds, principles = _split(kinds), _split(principles)
        for subject in subjects:
            _check_subject(subject)
        wanted = None
        if kinds or principles or subjects:
            wanted = functools.partial(gap_filter, kinds=kinds, principles=principles, subjects=subjects)
        return command(*args, wanted=wanted, **kwargs)

    return with_filter


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``("a,b", "c")`` -> ``("a", "b", "c")``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_subject(subject: str) -> None:
    from mapper.rq import is_iri

    if not (is_iri(subject) and ":" in subject):
        raise click.BadParameter(f"對象須為IRI / a subject is an IRI (e.g. https://bank.example.tw/fscai/chatbot), "
                                 f"got {subject!r}", param_hint="'--subject'")


def gap_filter(store, catalogue, *, kinds: tuple[str, ...], principles: tuple[str, ...],
               subjects: tuple[str, ...]):
    """The :class:`mapper.gaps.GapFilter` of the options' values, checked against the gap kinds in
    the store's catalogue graph and the catalogue's principles."""
    from mapper.gaps import GapFilter, read_gap_kinds

    known = sorted(read_gap_kinds(store).values(), key=lambda kind: kind.order)
    by_name = {}
    for kind in known:
        by_name.update({kind.code.lower(): kind.code, f"fsc:{kind.code}".lower(): kind.code, kind.iri.lower(): kind.code})
    unknown = [k for k in kinds if k.lower() not in by_name]
    if unknown:
        valid = "; ".join(f"{kind.code} {kind.label.zh} / {kind.label.en}" for kind in known)
        raise click.BadParameter(f"未知的缺口類型 / unknown gap kind {', '.join(map(repr, unknown))}; "
                                 f"可用 / valid: {valid}", param_hint="'--kind'")
    chapters = [c for c in catalogue.chapters if any(m.chapter.iri == c.iri for m in catalogue.assessables)]
    notations = {c.notation.lower(): c.notation for c in chapters}
    unknown = [p for p in principles if p.lower() not in notations]
    if unknown:
        valid = "; ".join(f"{c.notation} {c.label.zh} / {c.label.en}" for c in chapters)
        raise click.BadParameter(f"未知的原則 / unknown principle {', '.join(map(repr, unknown))}; "
                                 f"可用 / valid: {valid}", param_hint="'--principle'")
    return GapFilter(kinds=frozenset(by_name[k.lower()] for k in kinds),
                     principles=frozenset(notations[p.lower()] for p in principles), subjects=frozenset(subjects))


def filter_note(analyses) -> str:
    """What the filter left on the list, and that the counts are the institutions' totals."""
    listed = sum(len(a.listed) for a in analyses)
    total = sum(len(a.gaps) for a in analyses)
    return (f"fscai: 依篩選列出 {listed}／{total} 筆缺口紀錄；摘要與合計仍為機構全部之計數 / listing {listed} of "
            f"{total} gap records matching the filter; the summary and totals count every gap of the institution")
