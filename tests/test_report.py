"""mapper.report.rows (every format) and the ``fscai gaps`` / ``fscai report`` commands on the real examples.

Every gap must say, in every format, its measure (notation, zh-Hant, English), why the measure
applies and what is missing (both languages); the HTML page must be self-contained.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from html.parser import HTMLParser

import click
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF
from test_trace import AS_OF, MINIMAL, REPO, analyse_submissions, example_analyses, example_submissions

from cli.gaps import gaps_command
from cli.report import report_command
from mapper.graphs import CATALOGUE_GRAPH, institution_of
from mapper.layout import project_layout
from mapper.namespaces import SH
from mapper.report import FORMATS, render, render_index, render_turtle
from mapper.report.csv_format import HEADER
from mapper.report.rows import gap_groups, gap_rows, tier_rows, undetermined_rows
from mapper.report.text import display_width, summary_table
from mapper.validate import Validator, load_shapes

AS_OF_ARG = AS_OF.isoformat()


@pytest.fixture(scope="module")
def examples():
    return example_analyses()


@pytest.fixture(scope="module")
def analyses(examples):
    return examples[1]


def gap_texts(analysis):
    """What every format must show for each gap."""
    for r in gap_rows(analysis):
        yield r, (r.measure_notation, r.measure_zh, r.measure_en, r.why_zh, r.why_en, r.missing_zh, r.missing_en,
                  r.principle_zh, r.principle_en, r.stage_zh, r.stage_en, r.subject_zh, r.subject_en)


class PageParser(HTMLParser):
    """Collects the text and every (tag, attribute, value) of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


# --- the records every format renders ---------------------------------------------------------------


def test_gap_rows_say_everything_in_both_languages(analyses):
    for analysis in analyses:
        rows = gap_rows(analysis)
        assert len(rows) == len(analysis.gaps) and len({r.id for r in rows}) == len(rows)
        for row, gap in zip(rows, analysis.gaps):
            assert (row.measure_notation, row.measure_zh, row.measure_en) == \
                (gap.measure.notation, gap.measure.label.zh, gap.measure.label.en)
            assert (row.why_zh, row.why_en, row.missing_zh, row.missing_en) == \
                (gap.why.zh, gap.why.en, gap.missing.zh, gap.missing.en)
            assert row.principle_notation == gap.chapter.notation and row.stage_zh and row.stage_en
            assert row.section_notation == (gap.section.notation if gap.section else "")
            assert all((row.why_zh, row.why_en, row.missing_zh, row.missing_en, row.subject_zh, row.subject_en))


def test_tier_and_undetermined_rows(analyses):
    for analysis in analyses:
        tiers = tier_rows(analysis)
        assert [t.system for t in tiers] == [t.system for t in analysis.classification.tiers]
        for row, tier in zip(tiers, analysis.classification.tiers):
            assert row.agrees == tier.agrees
            if tier.explanation:
                assert row.explanation == tier.explanation
        assert len(undetermined_rows(analysis)) == len(analysis.undetermined)


# --- each format ---------------------------------------------------------------------------------


def test_json(analyses):
    document = json.loads(render(analyses, "json"))
    assert [i["institution"] for i in document["institutions"]] == [a.institution for a in analyses]
    for block, analysis in zip(document["institutions"], analyses):
        assert len(block["gaps"]) == len(analysis.gaps) == block["totals"]["gap_records"]
        pairs = {(g["measure"]["notation"] if isinstance(g["measure"], dict) else g["measure"], g["subject"]["iri"]
                  if isinstance(g["subject"], dict) else g["subject"]) for g in block["gaps"]}
        assert len(pairs) == block["totals"]["gaps"] == sum(c["gaps"] for c in block["summary"])
        assert block["totals"]["applicable"] == block["totals"]["evidenced"] + block["totals"]["gaps"]
        assert [g["id"] for g in block["gaps"]] == [r.id for r in gap_rows(analysis)]
        assert sum(c["applicable"] for c in block["summary"]) == block["totals"]["applicable"]
        assert len(block["tiers"]) == len(analysis.classification.tiers)
        assert len(block["undetermined"]) == len(analysis.undetermined)
        for gap in block["gaps"]:
            assert gap["measure_notation"] and gap["why_zh"] and gap["why_en"] and gap["missing_en"]


def test_csv_has_one_row_per_gap(analyses):
    rows = list(csv.DictReader(io.StringIO(render(analyses, "csv"))))
    assert list(rows[0]) == HEADER
    expected = [r for a in analyses for r in gap_rows(a)]
    assert len(rows) == len(expected)
    for row, gap in zip(rows, expected):
        assert (row["id"], row["measure_notation"], row["measure_zh"], row["measure_en"], row["why_zh"],
                row["missing_en"]) == (gap.id, gap.measure_notation, gap.measure_zh, gap.measure_en, gap.why_zh,
                                       gap.missing_en)


def test_html_is_self_contained_and_says_everything(analyses):
    page = render(analyses, "html")
    parsed = parse_page(page)
    assert parsed.tags[0] == "html" and "script" not in parsed.tags
    for tag, name, value in parsed.attributes:
        if name in ("src", "href") or tag in ("link", "script", "img"):
            assert not value.startswith(("http://", "https://", "//")), (tag, name, value)
    assert 'lang="zh-Hant"' in page and "<style>" in page
    text = "\n".join(parsed.text)
    for analysis in analyses:
        assert analysis.institution_label.zh in text and analysis.institution_label.en in text
        details = {row.id: detail for group in gap_groups(analysis) for row, detail in zip(group.rows, group.details)}
        for row, fields in gap_texts(analysis):
            # what is missing: the kind's explanation (once per kind of gap) and this gap's specifics
            kind = next(g for g in analysis.gaps if g.id == row.id).kind.missing
            for field in [f for f in fields if f not in (row.missing_zh, row.missing_en)] + [kind.zh, kind.en]:
                assert field in text, (row.id, field)
            detail = details[row.id]
            assert row.missing_zh.startswith(kind.zh) and row.missing_zh.endswith(detail.zh), row.id
            assert row.missing_en.startswith(kind.en) and row.missing_en.endswith(detail.en), row.id
            assert detail.zh in text and detail.en in text, row.id
        for tier in tier_rows(analysis):
            assert tier.explanation.zh in text and tier.explanation.en in text
        for u in undetermined_rows(analysis):
            assert all(label.zh in text and iri in text for iri, label in u.missing_inputs)
    headings = [t for t in parsed.text if "Gaps by kind" in t or "Undetermined verdicts" in t]
    assert len(headings) == 4 * len(analyses)  # each a section's heading and an entry of its contents


class PageStructure(HTMLParser):
    """Checks that elements nest (each end tag closes the element opened last) and records the ids,
    the src/href values, and for each table row the languages of its spans and its text."""

    VOID = frozenset({"meta", "br", "link", "img", "hr", "input"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.misnested: list[str] = []
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.links: list[tuple[str, str, str]] = []
        self.rows: list[tuple[list[str], list[str], str]] = []  # (span langs, row and span classes, text)
        self._row: tuple[list[str], list[str], list[str]] | None = None
        self.tag_counts: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        self.tag_counts[tag] = self.tag_counts.get(tag, 0) + 1
        if tag not in self.VOID:
            self.open.append(tag)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        self.links += [(tag, name, attributes[name] or "") for name in ("src", "href") if name in attributes]
        if tag == "tr":
            self._row = ([], [attributes.get("class") or ""], [])
        elif tag == "span" and self._row is not None:
            if "lang" in attributes:
                self._row[0].append(attributes["lang"])
            self._row[1].append(attributes.get("class") or "")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.misnested.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")
            return
        self.open.pop()
        if tag == "tr" and self._row is not None:
            langs, classes, text = self._row
            self.rows.append((langs, classes, "".join(text)))
            self._row = None

    def handle_data(self, data):
        if self._row is not None:
            self._row[2].append(data)


def well_formed(page: str) -> PageStructure:
    structure = PageStructure()
    structure.feed(page)
    structure.close()
    assert page.startswith("<!DOCTYPE html>\n") and structure.tags[0] == "html" and structure.tags.count("html") == 1
    assert not structure.misnested and not structure.open, (structure.misnested, structure.open)
    assert len(structure.ids) == len(set(structure.ids))
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(structure.tags)
    assert not [link for link in structure.links if link[1] == "src"]
    return structure


def test_html_report_of_the_bank_is_well_formed_and_self_contained(validated):
    """The bank example's page (validated, so its findings table is rendered too) and its index: the
    markup nests, nothing is fetched or run, every link is an anchor on the page (or, in the index,
    the report file beside it), and each gap row gives the Traditional Chinese before the English.
    The page has contents linking to every section and kind of gap, the sections fold (a
    <details> each), and a kind's explanation is written once, not once per gap."""
    _, analyses = validated
    bank = next(a for a in analyses if institution_of(a.submission_graph) == "83910461")
    html_text = render([bank], "html")
    page = well_formed(html_text)
    for tag, _, href in page.links:
        assert tag == "a" and href.startswith("#") and href[1:] in page.ids, href
    assert "i83910461" in page.ids and bank.validation.findings
    groups = gap_groups(bank)
    sections = ["summary", "tiers", "gaps", "undetermined", "validation"] + [f"gaps-{g.kind}" for g in groups]
    targets = {href[1:] for _, _, href in page.links}
    assert {f"i83910461-{s}" for s in sections} <= targets
    assert page.tag_counts["details"] == page.tag_counts["summary"] == len(sections)  # a section each
    assert len(groups) > 1 and sum(len(g.rows) for g in groups) == len(gap_rows(bank))
    rows = [(langs, text) for langs, classes, text in page.rows if "gap-row" in classes]
    in_order = [(row, detail) for g in groups for row, detail in zip(g.rows, g.details)]
    assert len(rows) == len(in_order) > 0
    for (langs, text), (gap, detail) in zip(rows, in_order):
        assert langs[0] == "zh-Hant" and all(langs[i - 1] == "zh-Hant" for i, lang in enumerate(langs) if lang == "en")
        pairs = [(gap.measure_zh, gap.measure_en), (gap.why_zh, gap.why_en)] + ([(detail.zh, detail.en)] * bool(detail.zh))
        for zh, en in pairs:
            assert text.index(zh) < text.index(en), (gap.id, zh, en)
    for group in groups:
        assert html_text.count(group.explanation.en) == 1, group.kind
    name, index = render_index([(bank, "83910461.html")], "html")
    index = well_formed(index)
    assert name == "index.html" and [(tag, href) for tag, _, href in index.links] == [("a", "83910461.html")]


def test_markdown_says_everything(analyses):
    page = render(analyses, "md")
    assert page.startswith("# 金融業運用AI指引落實缺口報告")
    for analysis in analyses:
        for row, fields in gap_texts(analysis):
            for field in fields:
                assert field in page, (row.id, field)
    tables = [line for line in page.splitlines() if line.startswith("|")]
    assert tables and all(line.endswith("|") for line in tables)


def test_text_gap_list_says_everything(analyses):
    page = render(analyses, "text")
    for analysis in analyses:
        for row, fields in gap_texts(analysis):
            for field in fields:
                assert field in page, (row.id, field)


def test_summary_table_is_aligned_by_display_width(analyses):
    assert display_width("原則 Principle") == 14 and display_width("ＡＢ") == 4
    for analysis in analyses:
        lines = summary_table(analysis).splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("原則 Principle"))
        end = next(i for i, line in enumerate(lines) if line.startswith("合計 Total"))
        table = [line for line in lines[start:end + 1] if not line.startswith("   ")]  # English continuation lines
        widths = {display_width(line) for line in table}
        assert len(widths) == 1, widths
        for chapter in analysis.catalogue.principles:
            assert any(chapter.label.zh in line for line in table)
            assert any(line.strip() == chapter.label.en for line in lines)
        total = lines[end].split()[-1]
        assert total.split("/")[2] == str(len({(g.measure.iri, g.subject) for g in analysis.gaps}))


def test_turtle_validation_report_parses(examples):
    store, analyses = examples
    validator = Validator(catalogue=store.graph_triples(CATALOGUE_GRAPH), shapes=load_shapes(project_layout(REPO)))
    validations = [validator.validate(store.graph_triples(a.submission_graph), graph_iri=a.submission_graph)
                   for a in analyses]
    graph = Graph().parse(data=render_turtle(validations), format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == len(analyses)
    one = Graph().parse(data=render_turtle(validations[:1]), format="turtle")
    assert len(list(one.subjects(RDF.type, SH.ValidationReport))) == 1


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory):
    """The minimal submission without saying whether its system is generative AI."""
    text, line = MINIMAL.read_text(encoding="utf-8"), "    fsc:generativeAI true ;\n"
    assert text.count(line) == 1
    path = tmp_path_factory.mktemp("incomplete") / "incomplete.ttl"
    path.write_text(text.replace(line, ""), encoding="utf-8")
    return analyse_submissions([(path,)])[1][0]


def test_undetermined_verdicts_show_the_missing_inputs(incomplete):
    rows = undetermined_rows(incomplete)
    assert [r.measure_notation for r in rows] == ["2.3.1"]
    assert rows[0].missing_inputs[0][0] == "https://w3id.org/fscai/def#generativeAI"
    html_text = "\n".join(parse_page(render(incomplete, "html")).text)
    markdown = render(incomplete, "md")
    document = json.loads(render(incomplete, "json"))["institutions"][0]
    assert len(document["undetermined"]) == len(rows)
    for row in rows:
        expected = [row.measure_notation, row.measure.zh, row.measure.en, row.why.zh, row.why.en,
                    row.subject_label.zh, row.subject_label.en]
        for iri, label in row.missing_inputs:
            expected += [iri, label.zh, label.en]
        for page in (html_text, markdown):
            assert all(e in page for e in expected), [e for e in expected if e not in page]
    assert "undetermined (missing inputs): 1" in summary_table(incomplete)


def test_unknown_format():
    with pytest.raises(ValueError):
        render([], "pdf")
    assert set(FORMATS) == {"text", "json", "csv", "md", "html", "ttl", "xlsx"}


# --- the commands ------------------------------------------------------------------------------


@click.group()
@click.pass_context
def cli(ctx):
    ctx.obj = project_layout(REPO)


cli.add_command(gaps_command)
cli.add_command(report_command)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory):
    """An on-disk store holding every example submission, loaded by ``fscai gaps FILES``."""
    url = f"oxigraph:{tmp_path_factory.mktemp('store') / 'db'}"
    for files in example_submissions():
        result = run("gaps", *map(str, files), "--store", url, "--as-of", AS_OF_ARG, "--format", "csv")
        assert result.exit_code == 0, result.output
    return url


def test_gaps_with_files(tmp_path):
    out = tmp_path / "gaps.json"
    result = run("gaps", str(MINIMAL), "--store", "memory:", "--as-of", AS_OF_ARG, "--format", "json",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "原則 Principle" in result.stderr and "合計 Total" in result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["institutions"]) == 1 and document["institutions"][0]["gaps"]
    assert document["institutions"][0]["as_of"] == AS_OF_ARG


def test_gaps_text_to_stdout_and_institution_check():
    result = run("gaps", str(MINIMAL), "--store", "memory:", "--as-of", AS_OF_ARG, "--institution", "12345675")
    assert result.exit_code == 0
    assert "缺口 / Gap:" in result.stdout and "原則 Principle" not in result.stdout
    wrong = run("gaps", str(MINIMAL), "--store", "memory:", "--institution", "99999999")
    assert wrong.exit_code == 2 and "not 99999999" in wrong.stderr


def test_gaps_refused_file_exits_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(MINIMAL.read_text(encoding="utf-8").replace('"12345675"', '"1234"'), encoding="utf-8")
    result = run("gaps", str(bad), "--store", "memory:")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:") and "unifiedBusinessNumber" in lines[0]


def test_gaps_empty_store_and_unknown_institution_exit_2(tmp_path):
    url = f"oxigraph:{tmp_path / 'empty'}"
    empty = run("gaps", "--store", url)
    assert empty.exit_code == 2 and "holds no submission" in empty.stderr
    unknown = run("gaps", "--store", url, "--institution", "99999999")
    assert unknown.exit_code == 2 and "99999999" in unknown.stderr


def test_gaps_from_store_every_institution(filled_store):
    _, analyses = example_analyses()
    result = run("gaps", "--store", filled_store, "--as-of", AS_OF_ARG, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == sum(len(a.gaps) for a in analyses)
    assert {r["ubn"] for r in rows} == {a.submission_graph.split("/")[-2] for a in analyses}
    assert result.stderr.count("原則 Principle") == len(analyses)


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html", "ttl"])
def test_report_formats_for_one_institution(filled_store, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    result = run("report", "--store", filled_store, "--institution", "12345675", "--as-of", AS_OF_ARG,
                 "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    content = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(content)["institutions"][0]["ubn"] == "12345675"
    elif fmt == "csv":
        assert {r["ubn"] for r in csv.DictReader(io.StringIO(content))} == {"12345675"}
    elif fmt == "md":
        assert "範例商業銀行" in content and "| 措施<br>Measure |" in content
    elif fmt == "html":
        assert "範例商業銀行" in "".join(parse_page(content).text)
    else:
        graph = Graph().parse(data=content, format="turtle")
        assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1


def test_report_directory_for_several_institutions(filled_store, tmp_path):
    _, analyses = example_analyses()
    ubns = sorted(a.submission_graph.split("/")[-2] for a in analyses)
    out = tmp_path / "reports"
    result = run("report", "--store", filled_store, "--as-of", AS_OF_ARG, "--format", "html", "--out", f"{out}/")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{u}.html" for u in ubns] + ["index.html"])
    index = parse_page((out / "index.html").read_text(encoding="utf-8"))
    assert sorted(v for tag, name, v in index.attributes if tag == "a" and name == "href") == \
        [f"{u}.html" for u in ubns]
    for ubn in ubns:
        page = parse_page((out / f"{ubn}.html").read_text(encoding="utf-8"))
        assert ubn in "".join(page.text)
    json_out = tmp_path / "json"
    result = run("report", "--store", filled_store, "--as-of", AS_OF_ARG, "--format", "json", "--out",
                 f"{json_out}/")
    assert result.exit_code == 0
    index = json.loads((json_out / "index.json").read_text(encoding="utf-8"))
    assert sorted(r["ubn"] for r in index["reports"]) == ubns
    for entry in index["reports"]:
        assert json.loads((json_out / entry["file"]).read_text(encoding="utf-8"))["institutions"][0]["ubn"] == \
            entry["ubn"]


def test_report_several_institutions_in_one_file_or_a_directory(filled_store, tmp_path):
    _, analyses = example_analyses()
    ubns = sorted(a.submission_graph.split("/")[-2] for a in analyses)
    combined = tmp_path / "all.csv"
    result = run("report", "--store", filled_store, "--as-of", AS_OF_ARG, "--format", "csv", "--out", str(combined))
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(combined.read_text(encoding="utf-8"))))
    assert sorted({r["ubn"] for r in rows}) == ubns and len(rows) == sum(len(a.gaps) for a in analyses)
    shapes = tmp_path / "shacl"  # no extension, several institutions: a directory
    result = run("report", "--store", filled_store, "--as-of", AS_OF_ARG, "--format", "ttl", "--out", str(shapes))
    assert result.exit_code == 0, result.stderr
    if len(ubns) > 1:
        assert sorted(p.name for p in shapes.iterdir()) == sorted([f"{u}.ttl" for u in ubns] + ["index.csv"])
        for ubn in ubns:
            graph = Graph().parse(shapes / f"{ubn}.ttl", format="turtle")
            assert len(list(graph.subjects(RDF.type, SH.ValidationReport))) == 1
        index = list(csv.DictReader(io.StringIO((shapes / "index.csv").read_text(encoding="utf-8"))))
        assert sorted(r["file"] for r in index) == [f"{u}.ttl" for u in ubns]
    else:
        Graph().parse(shapes, format="turtle")


def test_report_to_stdout_with_files():
    result = run("report", str(MINIMAL), "--store", "memory:", "--as-of", AS_OF_ARG, "--format", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# 金融業運用AI指引落實缺口報告") and "原則 Principle" in result.stderr


# --- validation findings in the report --------------------------------------------------------


@pytest.fixture(scope="module")
def validated(examples):
    """Every example submission analysed again, validated alongside."""
    store, analyses = examples
    from mapper.analysis import analyse

    return store, tuple(analyse(store, a.submission_graph, as_of=AS_OF, catalogue=a.catalogue, install=False,
                                validate=True) for a in analyses)


def test_a_validated_analysis_has_the_gaps_and_findings_of_each_step_alone(examples, validated):
    store, analyses = examples
    from mapper.validate import validate_stored

    for alone, both in zip(analyses, validated[1]):
        assert alone.validation is None
        assert both.gaps == alone.gaps and both.classification.verdicts == alone.classification.verdicts
        assert both.validation.findings == validate_stored(store, alone.submission_graph).findings
    assert sum(len(a.validation.findings) for a in validated[1]) > 0, "the examples carry findings on purpose"


def test_every_format_reports_the_findings(validated):
    _, analyses = validated
    findings = [f for a in analyses for f in a.validation.findings]
    document = json.loads(render(analyses, "json"))
    for analysis, institution in zip(analyses, document["institutions"]):
        validation = institution["validation"]
        assert validation["conforms"] == analysis.validation.conforms
        assert validation["counts"] == {s: analysis.validation.count(s) for s in ("Violation", "Warning", "Info")}
        assert [f["message_en"] for f in validation["findings"]] == [f.message_en for f in analysis.validation.findings]
    html = "".join(parse_page(render(analyses, "html")).text)
    markdown = render(analyses, "md")
    for finding in findings:
        assert finding.message_zh in html and finding.message_en in html
        assert " ".join(finding.message_zh.split()) in markdown
    for text in (html, markdown, summary_table(analyses[0])):
        assert "資料驗證（SHACL）" in text and "validation (SHACL)" in text


def test_an_unvalidated_analysis_reports_no_validation(analyses):
    assert all(i["validation"] is None for i in json.loads(render(analyses, "json"))["institutions"])
    assert "資料驗證" not in render(analyses, "html") and "資料驗證" not in render(analyses, "md")


def test_report_validates_unless_told_not_to(filled_store, tmp_path):
    args = ("report", "--store", filled_store, "--institution", "12345675", "--as-of", AS_OF_ARG, "--format", "json")
    with_findings = json.loads(run(*args).stdout)["institutions"][0]["validation"]
    alone = _validated_alone(filled_store, "12345675")
    assert sum(with_findings["counts"].values()) == len(alone.findings) == len(with_findings["findings"])
    assert with_findings["findings"] == [asdict(f) for f in alone.findings]
    assert json.loads(run(*args, "--no-validate").stdout)["institutions"][0]["validation"] is None


def _validated_alone(url, ubn):
    from mapper.store import open_store
    from mapper.validate import validate_institution

    with open_store(url) as store:
        return validate_institution(store, ubn)


def test_every_format_shows_a_gaps_modal_word_as_the_text_has_it():
    _, analyses = analyse_submissions([[MINIMAL]])
    analysis = analyses[0]
    rows = {r.measure_notation: r for r in gap_rows(analysis)}
    assert rows["1.1.2"].modal_keyword == "可" and rows["1.1.1"].modal_keyword == "宜"
    assert rows["2.1.1"].modal_keyword == ""  # no modal word in 2.1.1
    assert "1.1.2  可指定足以督導跨部門業務之高階主管" in render(analysis, "text") and "「可」" in render(analysis, "text")
    assert " 「可」" in render(analysis, "md") and '<span class="modal">「可」</span>' in render(analysis, "html")
    table = list(csv.DictReader(io.StringIO(render(analysis, "csv"))))
    assert {r["measure_notation"]: r["modal_keyword"] for r in table}["1.1.2"] == "可"
