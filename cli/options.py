"""What the ``fscai`` commands share: their options, how they open the store, how they fail.

Every command exits with an :class:`ExitCode`, one scheme for all. A failure is a
:class:`Failure` (a :class:`click.ClickException`): its message goes to stderr as
``error: MESSAGE`` and the command exits with its code.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from enum import IntEnum
from pathlib import Path
from typing import Iterator

import click

from mapper.store.url import DEFAULT_STORE_URL


class ExitCode(IntEnum):
    """How every ``fscai`` command exits (README "Exit codes"): the same condition, the same code.

    - ``OK`` 0: done. Gaps are the analysis's results, not a failure: ``gaps``, ``report`` and
      ``export`` exit 0 whatever they find.
    - ``FINDINGS`` 1: the check the command is run for found problems: ``validate`` (SHACL
      violations), ``ontology check`` (a gate failed).
    - ``USAGE`` 2: bad usage or unusable input: an unknown option or value (a malformed
      ``--institution``, an unknown ``--kind``), a file the loader refuses (each error on its own
      line, ``FILE:LINE:COL: cause``), an unknown institution, an empty store, a bad store URL.
    - ``UNAVAILABLE`` 3: what the command needs is not available: the store (locked by another
      process, unreachable, refusing, timing out, failing to write), Java for the reasoner, the
      address to serve on.
    - ``INTERNAL`` 4: a bug: the traceback is on stderr (Python's own exit code would be 1, the
      code of findings).
    - ``INTERRUPTED`` 130: stopped by Ctrl-C (SIGINT), as shells count it.
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNAVAILABLE = 3
    INTERNAL = 4
    INTERRUPTED = 130

class UbnType(click.ParamType):
    """An 8-digit unified business number, refused with a clear message otherwise."""

    name = "UBN"

    def convert(self, value, param, ctx):
        text = str(value).strip()
        if len(text) != 8 or not text.isdigit():
            self.fail(f"統一編號須為8位數字 / a UBN is 8 digits, got {value!r}", param, ctx)
        return text


UBN = UbnType()


class InstitutionType(click.ParamType):
    """An institution named by its 8-digit UBN or its absolute IRI; anything else is a usage error
    (exit 2) before any query is built from it."""

    name = "UBN|IRI"

    def convert(self, value, param, ctx):
        from mapper.rq import is_iri

        text = str(value).strip()
        if (len(text) == 8 and text.isdigit()) or (is_iri(text) and ":" in text):
            return text
        self.fail(f"金融機構須以8位數統一編號或其IRI指明 / an institution is named by its 8-digit UBN or its IRI "
                  f"(e.g. 83910461 or https://bank.example.tw/fscai/bank), got {value!r}", param, ctx)


INSTITUTION = InstitutionType()

#: Where the group's ``--store`` (``fscai --store URL gaps``) is kept for the subcommand.
STORE_KEY = "fscai.store"


def _store_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """The subcommand's ``--store``, else the group's (``fscai --store URL CMD``), else
    ``FSCAI_STORE``, else the default."""
    given = ctx.get_parameter_source(param.name) == click.core.ParameterSource.COMMANDLINE
    return value if given else ctx.meta.get(STORE_KEY) or value


store_option = click.option(
    "--store", "store_url", envvar="FSCAI_STORE", default=DEFAULT_STORE_URL, show_default=True,
    metavar="URL", callback=_store_url,
    help="Store URL (memory:, oxigraph:PATH, sparql+http://...); env FSCAI_STORE.")
institution_option = click.option(
    "--institution", metavar="UBN|IRI", default=None, type=INSTITUTION,
    help="Only this institution (its 8-digit UBN or IRI): its newest submission, or a check on FILES.")
as_of_option = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
    help="Reference date for review and target dates (default: today).")
files_argument = click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=True))


def limits_options(command):
    """``--max-file-bytes``, ``--max-triples``, ``--max-literal-chars``, ``--max-iri-chars``: the
    loader's limits, over the ``FSCAI_MAX_*`` environment; the command gets them as one ``limits``
    argument. Every command that reads a submission's files takes them (the loader's refusal
    names the option and the variable)."""
    from mapper.load import Limits

    @click.option("--max-file-bytes", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Largest accepted file in bytes (env FSCAI_MAX_FILE_BYTES; default 64 MiB).")
    @click.option("--max-triples", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Most triples in one submission (env FSCAI_MAX_TRIPLES; default 1,000,000).")
    @click.option("--max-literal-chars", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Longest literal in characters (env FSCAI_MAX_LITERAL_CHARS; default 100,000).")
    @click.option("--max-iri-chars", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Longest IRI in characters (env FSCAI_MAX_IRI_CHARS; default 4,096).")
    @functools.wraps(command)
    def with_limits(*args, max_file_bytes: int | None, max_triples: int | None, max_literal_chars: int | None,
                    max_iri_chars: int | None, **kwargs):
        try:
            limits = Limits.from_env(os.environ, max_file_bytes=max_file_bytes, max_triples=max_triples,
                                     max_literal_chars=max_literal_chars, max_iri_chars=max_iri_chars)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        return command(*args, limits=limits, **kwargs)

    return with_limits


class Failure(click.ClickException):
    """A command that cannot do its job: ``error: MESSAGE`` on stderr, exit ``code`` (an
    :class:`ExitCode`; by default ``USAGE``, unusable input)."""

    def __init__(self, message: str, code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class Refused(click.ClickException):
    """Input the loader refused: each error on its own line (``FILE:LINE:COL: cause``), exit 2."""

    exit_code = ExitCode.USAGE

    def __init__(self, errors) -> None:
        super().__init__("\n".join(str(error) for error in errors))

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


def store_failure(exc: Exception, failing: int = ExitCode.UNAVAILABLE) -> Failure:
    """The :class:`Failure` for a store error: a query the seam refuses or cannot parse is unusable
    input (``USAGE``); any other (locked, unreachable, timed out, failed to write) is ``failing``."""
    from mapper.store import QueryRefused, QuerySyntaxError

    code = ExitCode.USAGE if isinstance(exc, (QuerySyntaxError, QueryRefused)) else failing
    return Failure(str(exc), code)


@contextlib.contextmanager
def opened(store_url: str, *, failing: int = ExitCode.UNAVAILABLE) -> Iterator:
    """The store at ``store_url``, closed afterwards. A URL that names no store is a usage error; a
    store that cannot be opened or fails is a :class:`Failure` with exit code ``failing``
    (``UNAVAILABLE``); a refused submission is a :class:`Refused`."""
    from mapper.load import LoadError
    from mapper.store import StoreError, open_store
    from mapper.store.url import parse_store_url

    try:
        parse_store_url(store_url)
    except StoreError as exc:
        raise Failure(str(exc), ExitCode.USAGE) from None
    try:
        store = open_store(store_url)
    except StoreError as exc:
        raise store_failure(exc, failing) from None
    try:
        yield store
    except LoadError as exc:
        raise Refused(exc.errors) from None
    except StoreError as exc:
        raise store_failure(exc, failing) from None
    finally:
        store.close()
        # A query over the whole dataset leaves the pyoxigraph store in a reference cycle, so the
        # on-disk store's directory lock outlives close() until the cycle is collected; collect it
        # now, so the next command in this process (a test, a notebook) can open the store.
        gc.collect()


def write_output(content: str | bytes, out: Path | None, *, say: bool = True) -> None:
    """``content`` (text, or the bytes of a workbook) to stdout, or to the file ``out`` (its
    directory made), saying so on stderr (unless ``say`` is false)."""
    if out is None:
        click.echo(content, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        out.write_bytes(content)
    else:
        out.write_text(content, encoding="utf-8")
    if say:
        click.echo(f"已寫入 / wrote {out}", err=True)


def _root(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    from mapper.layout import project_layout

    if value is not None:
        ctx.obj = project_layout(value)


def _progress(ctx: click.Context, param: click.Parameter, value: bool | None) -> None:
    from cli.progress import PROGRESS_KEY

    if value is not None:
        ctx.meta[PROGRESS_KEY] = value


def _group_store(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[STORE_KEY] = value


ROOT_HELP = "Project tree holding ontology/ and shapes/ (default: this repository; env FSCAI_ROOT)."
PROGRESS_HELP = ("Draw progress bars on stderr (default: only when stderr is a terminal; env FSCAI_PROGRESS "
                 "true/false).")


def global_params(*, group: bool = False) -> list[click.Option]:
    """``--root DIR`` and ``--progress/--no-progress``: accepted by the group (``fscai --root DIR
    gaps``, reading ``FSCAI_ROOT`` and ``FSCAI_PROGRESS``) and by every command (``fscai gaps
    --root DIR``), where the command's value wins; the group also takes ``--store URL`` for the
    commands that have one. Each writes into click's context, never into a command's arguments."""
    params = [
        click.Option(["--root"], type=click.Path(file_okay=False, exists=True), default=None, metavar="DIR",
                     envvar="FSCAI_ROOT" if group else None, expose_value=False, callback=_root, help=ROOT_HELP),
        click.Option(["--progress/--no-progress"], default=None, envvar="FSCAI_PROGRESS" if group else None,
                     expose_value=False, callback=_progress, help=PROGRESS_HELP),
    ]
    if group:
        params.append(click.Option(["--store", "group_store"], default=None, metavar="URL", expose_value=False,
                                   callback=_group_store,
                                   help="Store URL for the command (its own --store and FSCAI_STORE aside)."))
    return params


def add_global_options(command: click.Command) -> None:
    """Give ``command`` and, for a group, each of its commands (at any depth) the global options."""
    names = {param.name for param in command.params}
    command.params.extend(p for p in global_params() if p.name not in names)
    for sub in getattr(command, "commands", {}).values():
        add_global_options(sub)


def pass_layout(command):
    """Pass the project layout (``fscai --root``, else ``FSCAI_ROOT``, else this repository) as the
    command's first argument, also when the command is invoked on its own (as the tests do)."""
    from mapper.layout import Layout, project_layout

    @click.pass_context
    def with_layout(ctx: click.Context, *args, **kwargs):
        layout = ctx.obj if isinstance(ctx.obj, Layout) else project_layout()
        return ctx.invoke(command, layout, *args, **kwargs)

    return functools.update_wrapper(with_layout, command)
