"""The access model's defaults and its edges: ``fscai serve`` without tokens, broken token files,
the trusted proxy header, the local user, and the audit log of every read."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from conftest import app_with_tokens, example_submissions, make_app
from sparql_support import write_tokens

from cli import main
from web import close_app

A, B = "83910461", "53728108"
TOKENS = {"regulator": "regulator-token-setup-tests-0001", A: "bank-token-setup-tests-000000002"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.10.5", "::"])
def test_serve_without_tokens_refuses_any_address_but_loopback(host):
    result = CliRunner().invoke(main, ["serve", "--store", "memory:", "--host", host])
    assert result.exit_code == 2
    assert "loopback" in result.output and "--tokens" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("content, message", [
    ('[tokens]\n"short" = "regulator"\n', "at least 20 characters"),
    ('[tokens]\n"a-long-enough-token-for-the-test" = "bank"\n', "role must be 'regulator' or an 8-digit UBN"),
    ("tokens = 3\n", "must have a 'tokens' table"),
    ("[tokens\n", "is not valid TOML"),
])
def test_serve_refuses_a_token_file_that_breaks_the_rules(tmp_path, content, message):
    path = tmp_path / "tokens.toml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--store", "memory:", "--host", "0.0.0.0", "--tokens", str(path)])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("key", ["short", "123456"])
def test_serve_refuses_a_session_key_too_short(tmp_path, key):
    result = CliRunner().invoke(main, ["serve", "--store", "memory:"], env={"FSCAI_SECRET_KEY": key})
    assert result.exit_code == 2
    assert "the session key must have at least 16 bytes" in result.output and "Traceback" not in result.output


def test_without_a_token_file_the_local_user_has_the_regulators_view(app):
    client = app.test_client()
    listed = client.get("/api/institutions").get_json()
    assert {A, B} <= {i["ubn"] for i in listed}
    page = client.get("/").get_data(as_text=True)
    assert "local user" in page and "Sign in" not in page
    rows = client.get("/sparql", query_string={"query": f'SELECT ?s WHERE {{ ?s ?p "{B}" }}'},
                      headers={"Accept": "application/sparql-results+json"}).get_json()
    assert rows["results"]["bindings"], "the viewer and YASGUI agree: the local user reads every graph"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    with app_with_tokens(tmp_path_factory.mktemp("proxy"), TOKENS, TRUSTED_PRINCIPAL_HEADER="X-Fscai-Principal") as app:
        yield app


def test_a_trusted_proxy_names_the_principal(proxied):
    client = proxied.test_client()
    as_a = client.get("/api/institutions", headers={"X-Fscai-Principal": A}).get_json()
    assert [i["ubn"] for i in as_a] == [A]
    as_regulator = client.get("/api/institutions", headers={"X-Fscai-Principal": "regulator"}).get_json()
    assert {A, B} <= {i["ubn"] for i in as_regulator}
    assert client.get("/api/institutions", headers={"X-Fscai-Principal": "root"}).status_code == 401


def test_the_proxy_header_is_believed_only_from_the_proxy(proxied):
    client = proxied.test_client()
    response = client.get("/api/institutions", headers={"X-Fscai-Principal": "regulator"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200 and response.get_json() == []


def test_the_audit_log_has_a_line_for_every_read_and_no_secret(tmp_path):
    log = tmp_path / "audit.jsonl"
    tokens = write_tokens(tmp_path / "tokens.toml", TOKENS)
    app = make_app(example_submissions()[:2], TOKENS=str(tokens), AUDIT_LOG=str(log))
    try:
        client = app.test_client()
        client.get(f"/institution/{A}", headers={"Authorization": f"Bearer {TOKENS[A]}"})
        query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"
        client.get("/sparql", query_string={"query": query, "access_token": TOKENS["regulator"]},
                   headers={"Accept": "text/csv"})
        client.get("/api/gaps", headers={"Authorization": "Bearer not-a-configured-token-0000"})
        client.get("/api/institutions")
        client.get("/static/fscai.css")
    finally:
        close_app(app)
    text = log.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(e["principal"], e["route"], e["status"], e["outcome"]) for e in lines] == [
        (f"institution:{A}", "pages.institution", 200, "ok"),
        ("regulator", "sparql.endpoint", 200, "ok"),
        ("refused", "api.gaps", 401, "refused"),
        ("public", "api.institutions", 200, "ok"),
    ]
    sparql = lines[1]
    assert sparql["query_sha256"] == hashlib.sha256(query.encode()).hexdigest() and sparql["rows"] == 3
    assert "access_token" not in sparql["args"] and query not in text
    assert all(token not in text for token in TOKENS.values())
    assert all(e["time"].endswith("+00:00") and e["ms"] >= 0 for e in lines)
