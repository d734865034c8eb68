"""No library's log lines on the terminal (issue 18: ``fscai ontology release`` printed pyLODE's
INFO and asyncio's DEBUG lines): the installed command, run as a real process."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import main
from cli.logs import quiet_libraries

REPO = Path(__file__).resolve().parents[1]
FSCAI = Path(sys.executable).with_name("fscai")  # the installed command of the Python running the tests


def test_ontology_release_prints_its_files_and_no_log_line(tmp_path):
    out = tmp_path / "dist"
    done = subprocess.run([str(FSCAI), "ontology", "release", "--out", str(out)], capture_output=True, text=True,
                          timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no INFO:root:..., no DEBUG:asyncio:...
    written = done.stdout.splitlines()
    assert len(written) == 8 and all(Path(line).is_file() for line in written)
    assert (out / "ontology.html").stat().st_size > 10_000


def test_a_library_that_sets_logging_up_is_quiet_and_the_houses_loggers_are_not(capsys):
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
    quiet_libraries()  # what the group did; once per process
    logging.basicConfig(level=logging.DEBUG)  # what pyLODE does when imported: a no-op now
    logging.getLogger("pylode").info("Loading background ontologies")
    logging.getLogger("asyncio").debug("Using selector")
    logging.info("on the root logger")
    logging.getLogger("rdflib").warning("a library's warning")
    ours = logging.getLogger("mapper.test")
    ours.setLevel(logging.INFO)
    ours.info("our own line")
    err = capsys.readouterr().err
    assert "Loading background" not in err and "Using selector" not in err and "on the root logger" not in err
    assert "rdflib: WARNING: a library's warning" in err and "mapper.test: INFO: our own line" in err
    ours.setLevel(logging.NOTSET)
