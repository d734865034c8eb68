"""Finding a submission's files and reading each one as UTF-8 text.

Refused here, before any parser sees a byte: an unknown extension (the format is chosen by
extension only, see :data:`~mapper.load.limits.FORMATS`); anything but a regular file; a
file over ``Limits.max_file_bytes`` (checked with ``stat`` before reading, so a huge file
is never read); an empty file; bytes that are not UTF-8 (Big5, Latin-1, UTF-16 ...) or NUL
bytes: a submission is UTF-8 text, and the error says which byte is not. A UTF-8 byte order
mark is accepted and dropped.

Symbolic links: a file is read only if it lies in the directory that holds its name (the
submission directory, or for a file named alone its parent). A symbolic link is followed
only when its target, all links resolved, lies in that directory (a link from ``2025.ttl``
to ``drafts/2025-v3.ttl`` beside it is fine); a link leading out of it (``/etc/passwd``,
``../other-bank/``, or through a linked directory) is refused without being opened, so
nothing of its target reaches a message. The file is opened with ``O_NOFOLLOW`` (a link
swapped in after the check is not followed) and ``O_NONBLOCK`` (a FIFO cannot hang the
load), and must still be a regular file once open.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mapper.load.errors import LoadError
from mapper.load.files import File
from mapper.load.limits import ENV_MAX_FILE_BYTES, FORMATS, WORKBOOK_EXTENSIONS, Limits

if TYPE_CHECKING:  # pragma: no cover
    from mapper.workbook.mapping import Mapping

_BOM = b"\xef\xbb\xbf"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The submission's files: each directory stands for the RDF files directly in it, sorted
    (symbolic links among them too, which :func:`read_file` follows only inside the directory).

    >>> [p.name for p in expand_paths(["data/examples/minimal-submission.ttl"])]
    ['minimal-submission.ttl']
    """
    expanded: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir() and path.suffix.lower() not in FORMATS:
            found = sorted(p for p in path.iterdir()
                           if (p.is_symlink() or p.is_file())
                           and (p.suffix.lower() in FORMATS or p.suffix.lower() in WORKBOOK_EXTENSIONS))
            if not found:
                raise LoadError(str(path), 1, 1, "is a directory with no RDF files: give the submission's files "
                                "(" + " ".join(sorted(FORMATS) + list(WORKBOOK_EXTENSIONS)) + ")")
            expanded.extend(found)
        else:
            expanded.append(path)
    if not expanded:
        raise LoadError("(no files)", None, None, "no submission files given")
    return expanded


def read_file(path: Path, limits: Limits, workbook_mapping: Callable[[], Mapping | None] = lambda: None) -> File:
    """The file at ``path``, its format, bytes (without BOM) and text, or :class:`LoadError`.

    A workbook (``.xlsx``) is read with the mapping ``workbook_mapping()`` gives into the N-Triples it gives
    (:mod:`mapper.workbook.read`), each line remembering its cell."""
    name = str(path)
    if path.suffix.lower() in WORKBOOK_EXTENSIONS:
        return _read_workbook(path, limits, workbook_mapping)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        if path.is_dir():
            raise LoadError(name, 1, 1, "is a directory: give the submission's files")
        raise LoadError(name, 1, 1, f"unknown file extension {path.suffix or '(none)'!r}: use one of "
                        + " ".join(sorted(FORMATS) + list(WORKBOOK_EXTENSIONS)))
    f = File(name, fmt)
    data = _read_bytes(path, f, limits)
    if data.startswith(_BOM):
        data, f.bom = data[len(_BOM):], True
    f.data = data
    if not data.strip():
        raise f.error("empty file, no triples")
    nul = data.find(b"\x00")
    try:
        f.text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if 0 <= nul < exc.start:
            raise f.error_at_byte(nul, _nul_cause(nul, f.bom)) from None
        offset = exc.start + (len(_BOM) if f.bom else 0)
        raise f.error_at_byte(exc.start, f"not UTF-8: byte 0x{data[exc.start]:02X} at byte offset {offset} "
                              "(Big5, Latin-1 or UTF-16?): save the file as UTF-8") from None
    if nul >= 0:
        raise f.error_at_byte(nul, _nul_cause(nul, f.bom))
    return f


def _inside(path: Path, f: File) -> Path:
    """The path to open for ``path``: itself, or, for a symbolic link, its target if that lies in
    the directory holding ``path``; else :class:`LoadError`, with nothing of the target opened."""
    try:
        if not path.is_symlink():
            return path
        root, target = path.parent.resolve(strict=True), path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link, a loop
        raise f.error("符號連結無法解析 / symbolic link that leads nowhere (dangling or a loop) refused") from None
    if not target.is_relative_to(root):
        raise f.error("符號連結指向提交目錄之外，未讀取 / symbolic link leading outside the submission directory "
                      "refused, not read: put the file itself in the directory")
    return target


def _read_bytes(path: Path, f: File, limits: Limits) -> bytes:
    """The bytes of a regular file within ``limits.max_file_bytes`` (checked before reading)."""
    target = _inside(path, f)
    try:
        st = target.stat()
    except OSError as exc:
        raise f.error(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):  # a directory, FIFO or device (/dev/zero) is never read
        raise f.error("not a regular file")
    if st.st_size > limits.max_file_bytes:
        raise f.error(f"file is {st.st_size} bytes, over the limit of {limits.max_file_bytes} bytes "
                      f"(--max-file-bytes / {ENV_MAX_FILE_BYTES})")
    try:
        fd = os.open(target, _OPEN_FLAGS)
    except OSError as exc:  # ELOOP: a symbolic link swapped in since the check
        raise f.error(f"cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise f.error("not a regular file")
        try:
            data = handle.read(limits.max_file_bytes + 1)
        except OSError as exc:
            raise f.error(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limits.max_file_bytes:  # grew after stat
        raise f.error(f"file is over the limit of {limits.max_file_bytes} bytes "
                      f"(--max-file-bytes / {ENV_MAX_FILE_BYTES})")
    return data


def _read_workbook(path: Path, limits: Limits, workbook_mapping: Callable[[], Mapping | None]) -> File:
    from mapper.workbook.read import WorkbookError, convert

    f = File(str(path), ox.RdfFormat.N_TRIPLES)
    mapping = workbook_mapping()
    if mapping is None:
        raise f.error("a workbook needs the workbook mapping (ontology/workbook.ttl) in the catalogue")
    try:
        converted = convert(_read_bytes(path, f, limits), mapping)
    except WorkbookError as exc:
        raise LoadError(f.name, None, None, exc.cause, place=exc.place) from None
    f.data, f.text, f.places = converted.ntriples, converted.ntriples.decode("utf-8"), list(converted.places)
    if not f.places:
        raise LoadError(f.name, None, None, "活頁簿無資料列 / no rows in the workbook")
    return f


def _nul_cause(offset: int, bom: bool) -> str:
    return (f"NUL byte at byte offset {offset + (len(_BOM) if bom else 0)}: not a UTF-8 text file "
            "(UTF-16?): save the file as UTF-8")
