"""The spreadsheet intake: the template, a workbook filled by hand, the examples as workbooks, and a
column an architect adds in Turtle. (The malformed workbooks are in test_malformed_workbooks.py.)"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from openpyxl import load_workbook
from rdflib import Graph
from rdflib.compare import isomorphic

from mapper.analysis import analyse
from mapper.catalogue.install import install_catalogue
from mapper.layout import project_layout
from mapper.load import LoadError, catalogue_terms_from_files, load_submission, parse_submission
from mapper.store import open_store
from mapper.workbook.mapping import layout_mapping
from mapper.workbook.write import write_workbook

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (REPO / "data" / "examples").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def terms():
    return catalogue_terms_from_files(project_layout(REPO).ontology_files())


@pytest.fixture(scope="module")
def mapping():
    return layout_mapping(project_layout(REPO))


def _triples(submission):
    return [q.triple for q in ox.parse(submission.ntriples, ox.RdfFormat.N_TRIPLES)]


def test_the_examples_are_found():
    assert [p.name for p in EXAMPLES] == ["bank", "life-insurer", "securities"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_each_example_as_a_workbook_reads_back_as_the_same_graph(example, tmp_path, terms, mapping, catalogue):
    turtle = parse_submission([example], catalogue_terms=terms)
    book = tmp_path / f"{example.name}.xlsx"
    book.write_bytes(write_workbook(mapping, catalogue, triples=_triples(turtle)))
    read = parse_submission([book], catalogue_terms=terms, workbook_mapping=mapping)
    assert read.graph_iri == turtle.graph_iri
    assert read.triples == turtle.triples
    assert isomorphic(read.graph, turtle.graph)


def test_the_template_lays_out_every_sheet_with_bilingual_headers_and_drop_downs(fscai, tmp_path, mapping, catalogue):
    out = tmp_path / "template.xlsx"
    result = fscai("template", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == [s.name for s in mapping.sheets]
    statements = book["落實情形 Statements"]
    assert statements["A1"].value == "識別碼\nID"
    assert statements["B1"].value == "建議作法\nMeasure"
    assert "必填 / required" in statements["B1"].comment.text
    # one pre-filled row per measure, in the catalogue's order
    assert [statements.cell(row=r, column=2).value for r in range(2, 2 + len(catalogue.measures))] == \
        [m.notation for m in catalogue.measures]
    # the status column's drop-down lists the vocabulary's statuses, read from the Choices sheet
    assert statements["C1"].value == "建議作法內容\nMeasure text"
    assert statements["C2"].value == f"{catalogue.measures[0].label.zh}\n{catalogue.measures[0].label.en}"
    status_rule = next(v for v in statements.data_validations.dataValidation if "E2" in str(v.sqref))
    sheet_name, cells = status_rule.formula1.rsplit("!", 1)
    choices = book[sheet_name.strip("'")]
    first, last = (int(c.strip("$").split("$")[-1]) for c in cells.split(":"))
    column = cells.split("$")[1]
    listed = [choices[f"{column}{r}"].value for r in range(first, last + 1)]
    assert listed == ["已落實 / implemented", "部分落實 / partially implemented", "規劃中 / planned",
                      "以其他方式達成 / alternative means", "不適用 / not applicable"]
    measures = book["建議作法 Measures"]
    assert measures["A2"].value == catalogue.measures[0].notation
    assert measures["C2"].value == catalogue.measures[0].label.zh


def test_an_unfilled_template_is_refused_as_empty(fscai, tmp_path):
    out = tmp_path / "template.xlsx"
    assert fscai("template", "--out", str(out)).exit_code == 0
    result = fscai("load", "--institution", "12345675", "--store", "memory:", str(out))
    assert result.exit_code == 2
    assert "no rows in the workbook" in result.output


TWIN = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix fsc:  <https://w3id.org/fscai/def#> .
@prefix fscg: <https://w3id.org/fscai/guideline/draft/> .
@prefix co:   <https://coop.example.tw/fscai/> .

co:self-assessment a fsc:Submission ; rdfs:label "合作社AI自評"@zh-Hant , "Co-op AI self-assessment"@en ;
    dct:issued "2024-01-31"^^xsd:date ; fsc:submittedBy co:coop .
co:coop a fsc:Institution ; rdfs:label "示範信用合作社"@zh-Hant , "Demo Credit Co-operative"@en ;
    fsc:unifiedBusinessNumber "04595257" ; fsc:institutionType fsc:CreditCooperative ; fsc:policy co:ev-policy .
co:risk a prov:Organization ; rdfs:label "風險管理部"@zh-Hant , "Risk Management"@en .
co:ev-policy a fsc:Policy ; dct:title "AI運用政策"@zh-Hant , "AI use policy"@en ;
    fsc:evidenceKind fsc:PolicyOrProcedure ; dct:issued "2023-12-01"^^xsd:date ; fsc:owner co:risk ;
    fsc:nextReviewDate "2024-12-01"^^xsd:date .
co:chatbot a fsc:AISystem ; rdfs:label "客服聊天機器人"@zh-Hant , "Service chatbot"@en ;
    fsc:operatedBy co:coop ; prov:wasAttributedTo co:risk ;
    fsc:stageReached fscg:stage-deployment-monitoring ; fsc:oversightMode fscg:oversight-human-on-the-loop ;
    fsc:customerFacing true ; fsc:personalDataUse true ; fsc:generativeAI true ; fsc:openGenerativeAI false ;
    fsc:criticalSystem false ; fsc:amlOrFraudUse false ; fsc:vendorProvided false ;
    fsc:riskFactorAssessment
        [ a fsc:RiskFactorAssessment ; fsc:factor fscg:risk-factor-customer-facing ; fsc:level fsc:LevelHigh ;
          fsc:assessedBy co:risk ; fsc:assessedOn "2024-01-15"^^xsd:date ] ,
        [ a fsc:RiskFactorAssessment ; fsc:factor fscg:risk-factor-personal-data ; fsc:level fsc:LevelMedium ;
          fsc:assessedBy co:risk ; fsc:assessedOn "2024-01-15"^^xsd:date ] .
co:st-1.1.1 a fsc:ConformanceStatement ; fsc:measure fscg:measure-1.1.1 ; fsc:subject co:coop ;
    fsc:status fsc:Implemented ; fsc:evidence co:ev-policy .
co:st-1.2.2 a fsc:ConformanceStatement ; fsc:measure fscg:measure-1.2.2 ; fsc:subject co:coop ;
    fsc:status fsc:Planned ; fsc:targetDate "2024-06-30"^^xsd:date .
"""


def _fill(ws, row: int, values: dict[str, object]) -> None:
    """Put ``values`` (header's English half -> value) in ``row``, as a person would type them."""
    headers = {str(c.value).split("\n")[-1]: c.column for c in ws[1] if c.value}
    for header, value in values.items():
        ws.cell(row=row, column=headers[header], value=value)


def _hand_filled(template: Path, out: Path) -> None:
    book = load_workbook(template)
    _fill(book["申報 Submission"], 2, {"ID": "self-assessment", "IRI base": "https://coop.example.tw/fscai/",
                                       "Name (zh-Hant)": "合作社AI自評", "Name (English)": "Co-op AI self-assessment",
                                       "Submission date": dt.datetime(2024, 1, 31), "Submitted by": "coop"})
    _fill(book["機構 Institution"], 2, {"ID": "coop", "Name (zh-Hant)": "示範信用合作社",
                                        "Name (English)": "Demo Credit Co-operative", "Unified business number": "04595257",
                                        "Institution type": "信用合作社", "Policies": "ev-policy"})
    _fill(book["單位 Units"], 2, {"ID": "risk", "Name (zh-Hant)": "風險管理部", "Name (English)": "Risk Management"})
    _fill(book["證據 Evidence"], 2, {"ID": "ev-policy", "Type": "政策 / policy", "Title (zh-Hant)": "AI運用政策",
                                     "Title (English)": "AI use policy", "Evidence kind": "policy or procedure",
                                     "Issued": "2023-12-01", "Owner": "risk", "Next review": dt.date(2024, 12, 1)})
    _fill(book["AI系統 AI systems"], 2, {
        "ID": "chatbot", "Name (zh-Hant)": "客服聊天機器人", "Name (English)": "Service chatbot", "Owner unit": "risk",
        "Operated by": "coop", "Stage reached": "S4", "Human oversight mode": "人在迴圈上",
        "Customer facing": "是", "Personal data use": "yes", "Generative AI": True, "Open generative AI": "否 / no",
        "Critical system": False, "AML or fraud use": "no", "Vendor provided": "否",
        "R1 customer facing": "高", "R2 personal-data use": "medium",
        "Risk assessed by": "risk", "Risk assessed on": "2024-01-15"})
    statements = book["落實情形 Statements"]
    rows = {statements.cell(row=r, column=2).value: r for r in range(2, statements.max_row + 1)}
    _fill(statements, rows["1.1.1"], {"ID": "st-1.1.1", "Subject": "coop", "Status": "已落實 / implemented",
                                      "Evidence": "ev-policy"})
    _fill(statements, rows["1.2.2"], {"ID": "st-1.2.2", "Subject": "coop", "Status": "規劃中",
                                      "Target date": "2024-06-30"})
    book.save(out)


def test_a_workbook_filled_by_hand_loads_validates_and_reports_like_its_turtle_twin(fscai, tmp_path, terms, mapping):
    template = tmp_path / "template.xlsx"
    assert fscai("template", "--out", str(template)).exit_code == 0
    book = tmp_path / "coop.xlsx"
    _hand_filled(template, book)
    twin = tmp_path / "coop.ttl"
    twin.write_text(TWIN, encoding="utf-8")

    from_book = parse_submission([book], catalogue_terms=terms, workbook_mapping=mapping)
    from_turtle = parse_submission([twin], catalogue_terms=terms)
    assert (from_book.graph_iri, from_book.triples) == (from_turtle.graph_iri, from_turtle.triples) == (
        "https://w3id.org/fscai/graph/submission/04595257/2024-01-31", len(Graph().parse(data=TWIN, format="turtle")))
    assert isomorphic(from_book.graph, from_turtle.graph)
    assert from_book.ubn == "04595257"  # typed as text: the leading zero stays

    outputs = {}
    for name, path in (("book", book), ("twin", twin)):
        store = f"oxigraph:{tmp_path / ('store-' + name)}"
        loaded = fscai("load", "--institution", "04595257", "--store", store, str(path))
        assert loaded.exit_code == 0, loaded.output
        validated = fscai("validate", str(path))
        gaps = fscai("gaps", "--store", store, "--as-of", "2024-03-01", "--format", "json")
        report = fscai("report", "--store", store, "--as-of", "2024-03-01", "--format", "json")
        outputs[name] = (loaded.stdout, validated.exit_code, validated.stdout, gaps.stdout, report.stdout)
    assert outputs["book"][0] == outputs["twin"][0]  # the same graph, the same number of triples
    assert outputs["book"][1:] == outputs["twin"][1:]
    assert json.loads(outputs["book"][3])["institutions"][0]["gaps"]  # gaps were found, the same for both


def test_the_template_from_a_submission_prefills_each_applicable_pair_it_leaves_unanswered(fscai, tmp_path, terms,
                                                                                           mapping, layout):
    example = REPO / "data" / "examples" / "securities"
    out = tmp_path / "securities.xlsx"
    result = fscai("template", str(example), "--out", str(out))
    assert result.exit_code == 0, result.output
    # the pre-filled rows are the pairs the engine records as gaps of kind "no statement"
    store = open_store("memory:")
    try:
        install_catalogue(store, layout)
        submission = load_submission(store, [example])
        analysis = analyse(store, submission.graph_iri, as_of=dt.date(2026, 11, 25), layout=layout, install=False)
    finally:
        store.close()
    missing = {(g.measure.notation, g.subject) for g in analysis.records if g.kind.code == "NoStatement"}
    assert f"({len(missing)} 列待填答 / rows to answer)" in result.output
    sheet = load_workbook(out)["落實情形 Statements"]
    base = "https://securities.example.tw/fscai/"
    prefilled = set()
    for r in range(2, sheet.max_row + 1):
        if sheet.cell(row=r, column=5).value is None:  # no status: a pre-filled row
            subject = sheet.cell(row=r, column=4).value
            prefilled.add((sheet.cell(row=r, column=2).value, subject if ":" in subject else base + subject))
    assert prefilled == missing
    # and the filled workbook still reads back as the submission (its unanswered rows are skipped)
    read = parse_submission([out], catalogue_terms=terms, workbook_mapping=mapping)
    assert isomorphic(read.graph, parse_submission([example], catalogue_terms=terms).graph)


def test_a_column_added_in_turtle_reaches_the_template_and_the_loaded_graph(project_copy, fscai, tmp_path):
    workbook_ttl = project_copy / "ontology" / "workbook.ttl"
    text = workbook_ttl.read_text(encoding="utf-8")
    text = text.replace("fscw:column fscw:units-id ,", "fscw:column fscw:units-id , fscw:units-phone ,")
    text += ('\nfscw:units-phone a fscw:Column ; fscw:order 4 ; fscw:valueKind fscw:Typed ;\n'
             '    rdfs:label "電話"@zh-Hant , "Phone"@en ; fscw:property <https://schema.org/telephone> ;\n'
             '    fscw:datatype xsd:string ; fscw:width 16 .\n')
    workbook_ttl.write_text(text, encoding="utf-8")
    root = ["--root", str(project_copy)]
    example = REPO / "data" / "examples" / "securities"
    out = tmp_path / "phone.xlsx"
    assert fscai(*root, "template", str(example), "--out", str(out)).exit_code == 0
    book = load_workbook(out)
    units = book["單位 Units"]
    assert units["D1"].value == "電話\nPhone"
    units["D2"] = "02-2345-6789"
    edited = tmp_path / "phone-filled.xlsx"
    book.save(edited)
    submission = parse_submission([edited], catalogue_terms=catalogue_terms_from_files(
        project_layout(project_copy).ontology_files()), workbook_mapping=layout_mapping(project_layout(project_copy)))
    phones = [t for t in _triples(submission) if t.predicate.value == "https://schema.org/telephone"]
    assert [(p.subject.value, p.object.value) for p in phones] == [
        (f"https://securities.example.tw/fscai/{units['A2'].value}", "02-2345-6789")]


def test_a_refused_cell_is_named_in_both_languages(tmp_path, terms, mapping, catalogue):
    turtle = parse_submission([REPO / "data" / "examples" / "securities"], catalogue_terms=terms)
    book = load_workbook(io.BytesIO(write_workbook(mapping, catalogue, triples=_triples(turtle))))
    sheet = book["AI系統 AI systems"]
    sheet["H2"] = "S9"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(LoadError) as refused:
        parse_submission([path], catalogue_terms=terms, workbook_mapping=mapping)
    assert str(refused.value).startswith(f"{path}:'AI系統 AI systems'!H2: 已達生命週期階段 Stage reached：未知之選項 'S9' "
                                         "/ unknown choice; use one of: S1 系統規劃及設計")


def test_a_directory_holding_a_workbook_loads_it(tmp_path, terms, mapping, catalogue):
    turtle = parse_submission([REPO / "data" / "examples" / "bank"], catalogue_terms=terms)
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "bank.xlsx").write_bytes(write_workbook(mapping, catalogue, triples=_triples(turtle)))
    shutil.copy(REPO / "data" / "examples" / "minimal-submission.ttl", tmp_path / "other.ttl")  # not in the folder
    read = parse_submission([folder], catalogue_terms=terms, workbook_mapping=mapping)
    assert read.files == (str(folder / "bank.xlsx"),)
    assert isomorphic(read.graph, turtle.graph)


def test_the_workbook_mapping_covers_every_property_the_examples_use(mapping, terms):
    """Each predicate of the examples has a column (or a column group's link, type or fixed property)."""
    given = {c.predicate for s in mapping.data_sheets for c in s.columns if c.predicate}
    given |= {g.link for g in mapping.groups} | {g.fixed_property for g in mapping.groups}
    given.add("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    used = {t.predicate.value for example in EXAMPLES
            for t in _triples(parse_submission([example], catalogue_terms=terms))}
    assert used <= given, sorted(used - given)


def test_the_workbook_reads_choices_by_any_of_their_names(mapping, catalogue):
    systems = mapping.sheet("AI系統 AI systems")
    stage = systems.column_by_header("Stage reached")
    spellings = ["S4", "系統佈署及監控", "system deployment and monitoring",
                 "S4 系統佈署及監控 / System deployment and monitoring", "stage-deployment-monitoring"]
    assert {stage.choice_for(s).iri for s in spellings} == {"https://w3id.org/fscai/guideline/draft/stage-deployment-monitoring"}
    measure = mapping.sheet("落實情形 Statements").column_by_header("Measure")
    assert len(measure.choices) == len(catalogue.assessables) == 97  # the measures and the 4 main concepts assessed on their own
    assert measure.choice_for("3.C.4").iri == "https://w3id.org/fscai/guideline/draft/main-concept-3.4"
    assert measure.choice_for("2.1.3").iri == catalogue.measure("2.1.3").iri
    assert measure.choice_for("9.9.9") is None


def test_a_row_of_two_types_and_a_triple_no_column_holds(tmp_path, terms, mapping, catalogue):
    """A policy typed also as plain evidence keeps both types (the Type column takes one per line); a
    risk-factor assessment named by an IRI, which the R1-R6 columns cannot name, stops the template."""
    turtle = parse_submission([REPO / "data" / "examples" / "securities"], catalogue_terms=terms)
    triples = _triples(turtle)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    policy = next(t.subject for t in triples if t.predicate == rdf_type
                  and t.object.value == "https://w3id.org/fscai/def#RiskManagementPolicy")
    two_types = [*triples, ox.Triple(policy, rdf_type, ox.NamedNode("https://w3id.org/fscai/def#Evidence"))]
    book = tmp_path / "two-types.xlsx"
    book.write_bytes(write_workbook(mapping, catalogue, triples=two_types))
    read = parse_submission([book], catalogue_terms=terms, workbook_mapping=mapping)
    assert read.triples == turtle.triples + 1
    assert isomorphic(read.graph, Graph().parse(data=ox.serialize(two_types, format=ox.RdfFormat.N_TRIPLES),
                                                format="nt"))

    from mapper.workbook.write import WorkbookWriteError

    assessment = next(t for t in triples if t.predicate.value == "https://w3id.org/fscai/def#riskFactorAssessment")
    named = ox.NamedNode("https://securities.example.tw/fscai/assessment-1")
    renamed = [ox.Triple(named if t.subject == assessment.object else t.subject, t.predicate,
                         named if t.object == assessment.object else t.object) for t in triples]
    with pytest.raises(WorkbookWriteError, match="triples no column of the workbook holds"):
        write_workbook(mapping, catalogue, triples=renamed)


def test_the_template_reads_its_files_within_the_loader_limits(fscai, tmp_path):
    example = REPO / "data" / "examples" / "minimal-submission.ttl"
    refused = fscai("template", str(example), "--out", str(tmp_path / "x.xlsx"), "--max-file-bytes", "100")
    assert refused.exit_code == 2
    assert "over the limit of 100 bytes (--max-file-bytes / FSCAI_MAX_FILE_BYTES)" in refused.stderr
    assert not (tmp_path / "x.xlsx").exists()
    by_env = fscai("template", str(example), "--out", str(tmp_path / "x.xlsx"), env={"FSCAI_MAX_TRIPLES": "5"})
    assert by_env.exit_code == 2 and "more than 5 triples" in by_env.stderr
    assert fscai("template", str(example), "--out", str(tmp_path / "x.xlsx")).exit_code == 0
