"""The XLSX report (mapper/report/xlsx_format.py) on the real examples, and ``fscai report --format xlsx``.

The workbook read back with openpyxl must hold, sheet by sheet, what the other formats say: the
gaps sheet is the CSV report cell for cell, the summary sums to the totals, every tier and every
undetermined verdict has its row, and every text is there in Traditional Chinese and in English.
"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from test_trace import AS_OF, EXAMPLES, MINIMAL, example_analyses

from cli import main as cli
from mapper.graphs import institution_of
from mapper.report import FORMATS, render, render_index
from mapper.report.csv_format import HEADER
from mapper.report.rows import summary_counts, tier_rows, undetermined_rows
from mapper.report.xlsx_format import SHEETS

BANK = "83910461"


@pytest.fixture(scope="module")
def analyses():
    return example_analyses()[1]


def sheets(document: bytes) -> dict[str, list[list]]:
    """Each sheet's rows as lists of values ("" for an empty cell), its header first."""
    book = load_workbook(io.BytesIO(document), read_only=True)
    return {ws.title: [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)] for ws in book}


def records(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_a_sheet_per_table_each_in_both_languages(analyses):
    document = render(analyses, "xlsx")
    assert isinstance(document, bytes) and document[:2] == b"PK" and FORMATS["xlsx"] == "xlsx"
    book = sheets(document)
    assert list(book) == [name for name, _, _ in SHEETS][:5]  # no analysis here was validated
    assert all(" " in name and name.split(" ")[0] != name.split(" ")[1] for name in book)  # zh-Hant first, English

    overview = records(book["概況 Overview"])
    assert [r["ubn"] for r in overview] == [institution_of(a.submission_graph) for a in analyses]
    for row, analysis in zip(overview, analyses):
        assert (row["institution_zh"], row["institution_en"]) == (analysis.institution_label.zh,
                                                                    analysis.institution_label.en)
        assert row["as_of"] == AS_OF.isoformat()
        assert {k: row[k] for k in summary_counts(analysis)} == summary_counts(analysis)

    summary = records(book["摘要 Summary"])
    for analysis in analyses:
        ubn, totals = institution_of(analysis.submission_graph), summary_counts(analysis)
        mine = [r for r in summary if r["ubn"] == ubn]
        assert sum(r["applicable"] for r in mine) == totals["applicable"]
        assert sum(r["gaps"] for r in mine) == totals["gaps"]
        assert all(r["principle_zh"] and r["principle_en"] and r["stage_zh"] and r["stage_en"] for r in mine)

    tiers = records(book["風險等級 Risk tiers"])
    assert [r["system"] for r in tiers] == [t.system for a in analyses for t in tier_rows(a)]
    assert all(r["system_zh"] and r["system_en"] for r in tiers)
    undetermined = records(book["待定 Undetermined"])
    assert len(undetermined) == sum(len(undetermined_rows(a)) for a in analyses)


def test_the_gaps_sheet_is_the_csv_report(analyses):
    book = sheets(render(analyses, "xlsx"))
    gaps = book["缺口 Gaps"]
    as_csv = list(csv.reader(io.StringIO(render(analyses, "csv"))))
    assert gaps[0] == HEADER == as_csv[0]
    assert len(gaps) == len(as_csv) > 1
    assert [[str(v) for v in row] for row in gaps] == as_csv
    columns = gaps[0]
    assert columns.index("measure_zh") + 1 == columns.index("measure_en")  # the Chinese column first
    assert columns.index("why_zh") + 1 == columns.index("why_en")


def test_a_validated_analysis_adds_the_findings_sheet():
    from mapper.analysis import analyse

    store, analyses = example_analyses()
    bank = next(a for a in analyses if institution_of(a.submission_graph) == BANK)
    validated = analyse(store, bank.submission_graph, as_of=AS_OF, catalogue=bank.catalogue, install=False,
                        validate=True)
    book = sheets(render([validated], "xlsx"))
    findings = records(book["驗證 Validation"])
    assert len(findings) == len(validated.validation.findings) > 0
    assert all(f["ubn"] == BANK and f["message_zh"] and f["message_en"] for f in findings)
    assert records(book["概況 Overview"])[0]["validation_conforms"] == ("yes" if validated.validation.conforms else "no")


def test_fscai_report_writes_a_workbook(tmp_path):
    out = tmp_path / "bank.xlsx"
    files = sorted(str(p) for p in (EXAMPLES / "bank").iterdir() if p.is_file())
    result = CliRunner().invoke(cli, ["report", *files, "--store", "memory:", "--as-of", AS_OF.isoformat(),
                                      "--format", "xlsx", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    book = sheets(out.read_bytes())
    assert [r["ubn"] for r in records(book["概況 Overview"])] == [BANK]
    assert records(book["驗證 Validation"])  # fscai report validates unless told not to
    assert render_index([], "xlsx")[0] == "index.csv"  # a directory of workbooks gets a CSV index


def test_the_minimal_example_is_one_workbook_per_call():
    result = CliRunner().invoke(cli, ["report", str(MINIMAL), "--store", "memory:", "--as-of", AS_OF.isoformat(),
                                      "--format", "xlsx", "--no-validate"], catch_exceptions=False)
    assert result.exit_code == 0
    book = sheets(result.stdout_bytes)
    assert "驗證 Validation" not in book and records(book["概況 Overview"])[0]["ubn"] == "12345675"
