"""No library's log lines on the terminal: the CLI's one logging set-up.

Libraries log, and some set logging up for the whole process when imported: pyLODE (``fscai
ontology release``) calls ``logging.basicConfig(level=DEBUG)``, which printed its own INFO lines
and asyncio's DEBUG ones. Before any command runs, :func:`quiet_libraries` gives the root logger
one handler of ours on stderr (so a later ``basicConfig`` is a no-op) at WARNING; its filter also
drops any other library's record below WARNING should one lower the root's level, while the
house's own loggers (``cli``, ``mapper``, ``web``) keep every level they are set to. What a
command says to its user is ``click.echo``, not logging, so it is never filtered.
"""

from __future__ import annotations

import logging
import sys

#: The house's loggers: their records pass whatever their level.
OWN = ("cli", "mapper", "web")
FORMAT = "%(name)s: %(levelname)s: %(message)s"


class _Stderr(logging.StreamHandler):
    """A handler writing to the current ``sys.stderr`` (click's test runner swaps it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.setStream; the current stderr is always used
        pass


def own(record: logging.LogRecord) -> bool:
    """Whether a record is the house's, or a library's at WARNING or above.

    >>> own(logging.makeLogRecord({"name": "rdflib.term", "levelno": logging.INFO}))
    False
    >>> own(logging.makeLogRecord({"name": "mapper.load", "levelno": logging.INFO}))
    True
    >>> own(logging.makeLogRecord({"name": "pyshacl", "levelno": logging.WARNING}))
    True
    """
    return record.levelno >= logging.WARNING or record.name.split(".")[0] in OWN


def quiet_libraries() -> None:
    """Install the filtered stderr handler on the root logger, once per process."""
    root = logging.getLogger()
    if any(isinstance(handler, _Stderr) for handler in root.handlers):
        return
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(own)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
