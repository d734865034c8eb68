"""Shape messages quote the guideline's own words: every 「…」 quote in a zh-Hant message is the
text's (verbatim, whitespace aside), and a modal word a message names beside a quote — （可：得為）,
（宜：建議） — is the one the quote itself uses, so no message says 宜 where the text says 可."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH
from seedtext import SEED, normalise

SHAPES = sorted((Path(__file__).resolve().parents[2] / "shapes").glob("*.shapes.ttl"))
QUOTE = re.compile(r"「([^」]+)」(?:（([應需宜可])：)?")


def _zh_messages() -> list[str]:
    messages = []
    for path in SHAPES:
        graph = Graph().parse(path)
        messages += [str(m) for m in graph.objects(None, SH.message) if m.language == "zh-Hant"]
    return messages


def test_every_quote_in_a_message_is_the_texts_and_its_modal_word_its_own():
    text = normalise(SEED.read_text(encoding="utf-8"))
    quotes = [(q, word) for message in _zh_messages() for q, word in QUOTE.findall(message)]
    assert len(SHAPES) == 5 and len(quotes) >= 8
    for quote, word in quotes:
        assert normalise(quote) in text, quote
        if word:
            assert word in quote, (quote, word)


def test_the_messages_of_1_1_2_and_the_vendor_checks_use_the_texts_modal_words():
    messages = _zh_messages()
    assert any("「可指定足以督導跨部門業務之高階主管" in m and "（可：得為）" in m for m in messages)
    assert not any(m.startswith("宜指定") for m in messages)  # the text says 可指定
    assert any("「評估該第三方業者是否具備相關知識、專業及經驗等」（無規範用語）" in m for m in messages)
