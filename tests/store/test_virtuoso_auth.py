"""A store that wants a login: Virtuoso's digest-authenticated endpoints, with the user of
``deploy/virtuoso/user.sql`` and credentials from the environment (:mod:`mapper.store.credentials`),
never from the store URL."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from example_ubns import ubn_of

from mapper.store import StoreError, StoreUnavailable, open_store
from mapper.store.credentials import Credentials, store_opener

EX = "https://example.org/"
GRAPH = f"{EX}graph/auth"
EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


@pytest.fixture(scope="module")
def login(virtuoso_server, tmp_path_factory):
    """The dedicated user, created once, and a file holding its password."""
    password = secrets.token_hex(10)
    user = virtuoso_server.create_user(password)
    password_file = tmp_path_factory.mktemp("secrets") / "store-password"
    password_file.write_text(password + "\n")
    virtuoso_server.clear()
    yield virtuoso_server, user, password_file
    virtuoso_server.clear()


def test_the_seam_logs_in_with_the_environments_credentials(login, monkeypatch) -> None:
    server, user, password_file = login
    monkeypatch.setenv("FSCAI_STORE_USER", user)
    monkeypatch.setenv("FSCAI_STORE_PASSWORD_FILE", str(password_file))
    with open_store(server.auth_store_url, timeout_s=30) as store:
        store.replace_graph(GRAPH, f'<{EX}s> <{EX}p> "written with a login" .\n'.encode())
        assert [str(row["o"]) for row in store.select(f"SELECT ?o WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")] == \
            ["written with a login"]
        assert store.graphs() == [GRAPH]  # not Virtuoso's own graphs: the user reads none of them
        store.drop_graph(GRAPH)
        assert store.graphs() == []


def test_a_large_first_upload_goes_through_the_login(login, monkeypatch) -> None:
    """Virtuoso answers 401 to an unsigned upload before reading it (a broken pipe): the seam gets a
    challenge with a small request and sends the upload again, signed. Over 10 MB in 5,000 triples:
    Virtuoso 7.2 sometimes spends 47-98 s of CPU dropping a graph of 50,000 (README "Beyond one machine")."""
    server, user, password_file = login
    monkeypatch.setenv("FSCAI_STORE_USER", user)
    monkeypatch.setenv("FSCAI_STORE_PASSWORD_FILE", str(password_file))
    data = "".join(f'<{EX}s{i}> <{EX}p> "{"x" * 2100} {i}" .\n' for i in range(5000)).encode()
    assert len(data) > 10_000_000
    with open_store(server.auth_store_url, timeout_s=60) as store:
        store.replace_graph(GRAPH, data)  # the store's first request
        assert store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")[0]["n"].toPython() == 5000
        store.drop_graph(GRAPH)


@pytest.mark.parametrize("environment", [{}, {"FSCAI_STORE_USER": "fscai", "FSCAI_STORE_PASSWORD": "wrong"}],
                         ids=["no-login", "wrong-password"])
def test_without_the_right_login_the_server_refuses(login, monkeypatch, environment: dict) -> None:
    server, _, _ = login
    for name in ("FSCAI_STORE_USER", "FSCAI_STORE_PASSWORD", "FSCAI_STORE_PASSWORD_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with open_store(server.auth_store_url, timeout_s=30) as store:
        with pytest.raises(StoreUnavailable, match="HTTP 401"):
            store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        with pytest.raises(StoreUnavailable, match="HTTP 401"):
            store.replace_graph(GRAPH, f"<{EX}s> <{EX}p> <{EX}o> .\n".encode())


def test_fscai_loads_and_reports_through_the_login_and_never_prints_the_password(login, fscai) -> None:
    server, user, password_file = login
    env = {"FSCAI_STORE_USER": user, "FSCAI_STORE_PASSWORD_FILE": str(password_file)}
    loaded = fscai("load", "--institution", ubn_of([EXAMPLES / "bank"]), str(EXAMPLES / "bank"), "--store", server.auth_store_url, env=env)
    assert loaded.exit_code == 0, loaded.output
    listed = fscai("graphs", "--store", server.auth_store_url, env=env)
    assert listed.exit_code == 0 and "submission/83910461/" in listed.output
    password = password_file.read_text().strip()
    assert password not in loaded.output + listed.output
    refused = fscai("graphs", "--store", server.auth_store_url, env={"FSCAI_STORE_USER": user,
                                                                   "FSCAI_STORE_PASSWORD_FILE": str(password_file) + ".gone"})
    assert refused.exit_code != 0 and "FSCAI_STORE_PASSWORD_FILE" in refused.output


def test_credentials_are_offered_to_the_store_host_only() -> None:
    opener = store_opener("http://127.0.0.1:8890/sparql-auth", Credentials("fscai", "s3cret"))
    managers = {handler.passwd for handler in opener.handlers if hasattr(handler, "passwd")}
    assert len(managers) == 1
    manager = managers.pop()
    assert manager.find_user_password(None, "http://127.0.0.1:8890/sparql-graph-crud-auth") == ("fscai", "s3cret")
    assert manager.find_user_password(None, "http://127.0.0.1:9999/sparql") == (None, None)
    assert manager.find_user_password(None, "http://example.org/") == (None, None)
    assert "s3cret" not in repr(Credentials("fscai", "s3cret"))


def test_a_url_with_credentials_is_refused() -> None:
    with pytest.raises(StoreError, match="credentials"):
        open_store("sparql+http://fscai:s3cret@127.0.0.1:8890?query=/sparql-auth")
