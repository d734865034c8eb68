"""The viewer's full-text index: SQLite FTS5 over bilingual text, with CJK read as character bigrams.

Why this scheme. FTS5's ``unicode61`` tokenizer splits on spaces and punctuation, so a run of Han
characters with none (``重視公平性及以人為本的價值觀``) is one token, and ``公平`` never matches it;
the ``trigram`` tokenizer matches substrings but needs three characters, so the two-character
words Chinese is made of (``公平``, ``救濟``) are missed. Instead the text is prepared here before
``unicode61`` sees it: every run of CJK characters becomes its overlapping character bigrams, then
its last character on its own (``公平性`` → ``公平 平性 性``); everything else (English, numbers,
notations) is left to ``unicode61`` (case and diacritics folded, no stemming: ``fair`` is a prefix
of ``fairness``, not its stem). A query is prepared the same way and sent as quoted phrases, so a
CJK query of two characters or more matches exactly where its text occurs inside a run (bigrams
at consecutive positions), a single character matches as a prefix of a bigram or as the last
character, and English words match whole, the last one of each word also as a prefix. Nothing of
the user's text is FTS5 syntax: every word is a double-quoted phrase of tokens made here (``"``,
``*``, ``OR``, ``NEAR(`` are text or separators). Text is NFKC-normalised first (full-width
``ＡＩ`` is ``AI``). Results are ranked by ``bm25`` with the notation and label weighted above
the body, an exact match of a label or notation first.

>>> index_text("重視公平性及以人為本的價值觀 Upholding fairness")
'重視 視公 公平 平性 性及 及以 以人 人為 為本 本的 的價 價值 值觀 觀 Upholding fairness'
>>> match_expression("公平")
'"公平"'
>>> match_expression('公平性 "fair OR NEAR(x*')
'"公平 平性" "fair"* "OR"* "NEAR x"*'
>>> match_expression('") * ( OR') is None
False
>>> match_expression("* (") is None
True
>>> index = build([Doc("principle", "2", "重視公平性及以人為本的價值觀", "Upholding fairness and human-centric")])
>>> [(g.kind, g.total, g.hits[0].doc.notation) for g in find(index, "公平")]
[('principle', 1, '2')]
>>> find(index, "公平性人"), [g.total for g in find(index, "FAIR human 價值")]
([], [1])
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Sequence

#: Characters read as CJK (Han, kana, hangul, bopomofo, their radicals and compatibility forms).
CJK = ("\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff\u3100-\u312f"
       "\u3130-\u318f\u31a0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff"
       "\U00020000-\U0003134f")
_RUN = re.compile(f"([{CJK}]+)")
_WORD = re.compile(r"[^\W_]+")  # what unicode61 keeps as a token (letters, digits)
#: What one query may hold: longer text is cut (a search box, not a document).
MAX_QUERY = 200
MAX_WORDS = 12
#: bm25 weights of the columns: notation, label, body (definition, notes, descriptions, gap text),
#: context (what a record is found through: a measure's section and the main concepts it carries).
WEIGHTS = (10.0, 5.0, 1.0, 0.3)


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def _bigrams(run: str) -> list[str]:
    """A CJK run as its overlapping bigrams and its last character on its own.

    >>> _bigrams("公平性"), _bigrams("公")
    (['公平', '平性', '性'], ['公'])
    """
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(text: str) -> str:
    """The text as the index stores it: CJK runs as bigrams, the rest as it is.

    >>> index_text("AI系統ＡＩ")
    'AI 系統 統 AI'
    """
    return " ".join(" ".join(part if i % 2 == 0 else " ".join(_bigrams(part))
                             for i, part in enumerate(_RUN.split(normal(text)))).split())


def _word_tokens(word: str) -> tuple[list[str], bool]:
    """One word of a query as index tokens, and whether its last token is matched as a prefix.

    A CJK run is its bigrams, plus its last character when more of the word follows (the index
    has it there); a single character is a prefix; an English word last in the word is a prefix,
    a number is not (``2.1`` must not find ``2.10``).

    >>> _word_tokens("AI系統"), _word_tokens("公"), _word_tokens("公平性fair"), _word_tokens("2.1")
    ((['AI', '系統'], False), (['公'], True), (['公平', '平性', '性', 'fair'], True), (['2', '1'], False))
    >>> _word_tokens("「公平」"), _word_tokens("(*)")
    ((['公平'], False), ([], False))
    """
    tokens: list[str] = []
    prefix = False
    parts = [p for p in _RUN.split(word) if _RUN.fullmatch(p) or _WORD.search(p)]  # punctuation alone: nothing
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if _RUN.fullmatch(part):
            grams = _bigrams(part)
            if len(part) > 1 and last:
                grams = grams[:-1]
            tokens += grams
            prefix = len(part) == 1
        else:
            words = _WORD.findall(part)
            tokens += words
            prefix = bool(words) and not words[-1].isdigit()
    return tokens, prefix


def query_words(q: str) -> list[str]:
    return normal(q)[:MAX_QUERY].split()[:MAX_WORDS]


def match_expression(q: str) -> str | None:
    """The FTS5 MATCH text for a user's query (every word a quoted phrase, all of them required),
    or None when it holds nothing to search for."""
    phrases = []
    for word in query_words(q):
        tokens, prefix = _word_tokens(word)
        if tokens:
            phrases.append('"' + " ".join(tokens).replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(phrases) or None


def _pieces(q: str) -> list[tuple[str, bool]]:
    """What to highlight: each CJK run (anywhere) and each English token (at a word's start)."""
    found = []
    for word in query_words(q):
        for part in _RUN.split(word):
            if _RUN.fullmatch(part):
                found.append((part, False))
            else:
                found += [(token, True) for token in _WORD.findall(part)]
    return sorted(set(found), key=lambda p: -len(p[0]))


def marks(text: str, q: str, width: int | None = None) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched) segments for highlighting; with ``width``, only a window
    of about that many characters around the first match (``…`` where cut); [] if nothing matches.

    >>> marks("Upholding fairness and human-centric values", "FAIR 人")
    [('Upholding ', False), ('fair', True), ('ness and human-centric values', False)]
    >>> marks("落實公平性", "公平")
    [('落實', False), ('公平', True), ('性', False)]
    """
    pieces = _pieces(q)
    if not pieces or not text:
        return []
    pattern = re.compile("|".join((r"(?<![^\W_])" if word else "") + re.escape(p) for p, word in pieces),
                         re.IGNORECASE)
    hits = list(pattern.finditer(text))
    if not hits:
        return []
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        start = max(0, hits[0].start() - width // 4)
        end = min(len(text), start + width)
    segments, at = [], start
    if start > 0:
        segments.append(("…", False))
    for hit in hits:
        if hit.start() < at or hit.end() > end:
            continue
        if hit.start() > at:
            segments.append((text[at:hit.start()], False))
        segments.append((hit.group(), True))
        at = hit.end()
    if at < end:
        segments.append((text[at:end], False))
    if end < len(text):
        segments.append(("…", False))
    return segments


@dataclass(frozen=True)
class Doc:
    """One thing the index finds: its kind, notation, labels, page, texts, and what to show beside it."""

    kind: str
    notation: str
    zh: str
    en: str
    url: str | None = None
    body: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    #: JSON-ready records shown beside the result (its principle, institution, subject, ...).
    meta: tuple = ()
    #: Whether the labels are searched (an editorial note is found by its text, shown by its statement's label).
    label_indexed: bool = True


@dataclass(frozen=True)
class Hit:
    doc: Doc
    exact: bool
    score: float


@dataclass(frozen=True)
class Group:
    kind: str
    total: int
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Index:
    """The docs, and an in-memory SQLite database of their kinds, keys and FTS5 table (a doc's
    rowid is its place in ``docs`` plus one); one query at a time."""

    connection: sqlite3.Connection = field(repr=False)
    docs: tuple[Doc, ...] = field(repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.docs)


def _key(text: str) -> str:
    return normal(text).strip().casefold()


def build(docs: Iterable[Doc]) -> Index:
    """The index of ``docs`` (their order is the order of equally ranked results). A text met
    again (gap records repeat their explanations) is prepared once."""
    docs = tuple(docs)
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, kind TEXT, k_notation TEXT, k_zh TEXT, k_en TEXT)")
    db.execute("CREATE INDEX doc_kind ON doc (kind)")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(notation, label, body, context,"
               " tokenize='unicode61 remove_diacritics 2', content='')")
    prepared: dict[str, str] = {}

    def text(*parts: str) -> str:
        joined = "\n".join(parts)
        if joined not in prepared:
            prepared[joined] = index_text(joined)
        return prepared[joined]

    rows, entries = [], []
    for n, d in enumerate(docs, 1):
        if d.label_indexed:
            rows.append((n, d.kind, _key(d.notation), _key(d.zh), _key(d.en)))
            entries.append((n, text(d.notation), text(d.zh, d.en), text(*d.body), text(*d.context)))
        else:
            rows.append((n, d.kind, None, None, None))
            entries.append((n, "", "", text(*d.body), text(*d.context)))
    db.executemany("INSERT INTO doc VALUES (?,?,?,?,?)", rows)
    db.executemany("INSERT INTO fts (rowid, notation, label, body, context) VALUES (?,?,?,?,?)", entries)
    db.commit()
    return Index(db, docs)


_MATCHED = " FROM fts JOIN doc d ON d.id = fts.rowid WHERE fts MATCH :match"
_COUNTS = "SELECT d.kind, count(*), min(d.id)" + _MATCHED + " GROUP BY d.kind"
_RANKED = (f"SELECT d.id, IFNULL(d.k_notation = :q OR d.k_zh = :q OR d.k_en = :q, 0) AS exact,"
           f" bm25(fts, {', '.join(map(str, WEIGHTS))}) AS score" + _MATCHED +
           " AND d.kind = :kind ORDER BY exact DESC, score, d.id LIMIT :limit")


def find(index: Index, q: str, limit: int = 10, kinds: Sequence[str] | None = None) -> list[Group]:
    """The docs matching ``q``, grouped by kind (in order of first appearance in the index), each
    group's total and its best ``limit`` hits: exact label or notation matches first, then bm25."""
    match = match_expression(q)
    if match is None:
        return []
    found = []
    with index.lock:
        counts = index.connection.execute(_COUNTS, {"match": match}).fetchall()
        for kind, total, _ in sorted(counts, key=lambda c: c[2]):
            if kinds is not None and kind not in kinds:
                continue
            rows = index.connection.execute(_RANKED, {"q": _key(q), "match": match, "kind": kind, "limit": limit})
            found.append(Group(kind, total, tuple(Hit(index.docs[i - 1], bool(exact), score)
                                                  for i, exact, score in rows)))
    return found
