"""What the ``fscai`` commands share: their options, how they open the store, how they fail.

A failure is a :class:`Failure` (a :class:`click.ClickException`): its message goes to stderr as
``error: MESSAGE`` and the command exits with its code (2 unusable input or usage, 1 the store
failed), the codes the README's command table gives.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from pathlib import Path
from typing import Iterator

import click

from mapper.store.url import DEFAULT_STORE_URL

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

store_option = click.option(
    "--store", "store_url", envvar="FSCAI_STORE", default=DEFAULT_STORE_URL, show_default=True,
    metavar="URL", help="Store URL (memory:, oxigraph:PATH, sparql+http://...); env FSCAI_STORE.")
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
    argument."""
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
    """A command that cannot do its job: ``error: MESSAGE`` on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class Refused(click.ClickException):
    """Input the loader refused: each error on its own line (``FILE:LINE:COL: cause``), exit 2."""

    exit_code = 2

    def __init__(self, errors) -> None:
        super().__init__("\n".join(str(error) for error in errors))

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


@contextlib.contextmanager
def opened(store_url: str, *, failing: int = 1) -> Iterator:
    """The store at ``store_url``, closed afterwards; a store error is a :class:`Failure` with exit
    code ``failing``, and a refused submission a :class:`Refused`."""
    from mapper.load import LoadError
    from mapper.store import StoreError, open_store

    try:
        store = open_store(store_url)
    except StoreError as exc:
        raise Failure(str(exc), failing) from None
    try:
        yield store
    except LoadError as exc:
        raise Refused(exc.errors) from None
    except StoreError as exc:
        raise Failure(str(exc), failing) from None
    finally:
        store.close()
        # A query over the whole dataset leaves the pyoxigraph store in a reference cycle, so the
        # on-disk store's directory lock outlives close() until the cycle is collected; collect it
        # now, so the next command in this process (a test, a notebook) can open the store.
        gc.collect()


def write_output(content: str, out: Path | None) -> None:
    """``content`` to stdout, or to the file ``out`` (its directory made), saying so on stderr."""
    if out is None:
        click.echo(content, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(content, encoding="utf-8")
    click.echo(f"已寫入 / wrote {out}", err=True)


def pass_layout(command):
    """Pass the project layout (``fscai --root``, else ``FSCAI_ROOT``, else this repository) as the
    command's first argument, also when the command is invoked on its own (as the tests do)."""
    from mapper.layout import Layout, project_layout

    @click.pass_context
    def with_layout(ctx: click.Context, *args, **kwargs):
        layout = ctx.obj if isinstance(ctx.obj, Layout) else project_layout()
        return ctx.invoke(command, layout, *args, **kwargs)

    return functools.update_wrapper(with_layout, command)
