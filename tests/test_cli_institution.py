"""``--institution`` on every command that takes it: a UBN or an IRI, or a clear usage error
(exit 2) before any query is built from the value (issue 18: ``--institution abc`` printed the
engine's SPARQL parse error)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main

COMMANDS = (["gaps"], ["report"], ["validate"], ["export", "oscal", "--out", "unused"])
BAD = ("abc", "1234567", "123456789", "x> } DROP ALL #", "bank")


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("value", BAD)
def test_a_malformed_institution_is_a_usage_error_naming_the_forms(command, value):
    result = CliRunner().invoke(main, [*command, "--store", "memory:", "--institution", value])
    assert result.exit_code == 2, result.output
    assert "an institution is named by its 8-digit UBN or its IRI" in result.output
    assert "金融機構須以8位數統一編號或其IRI指明" in result.output
    assert "SPARQL" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize("value", ["83910461", "https://bank.example.tw/fscai/bank"])
def test_a_well_formed_unknown_institution_is_named_as_unknown(command, value, tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(main, [*command, "--store", store, "--institution", value])
    assert result.exit_code == 2, result.output
    assert value in result.output and "Traceback" not in result.output
