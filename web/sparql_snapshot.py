"""The worker processes' view of an embedded store: read-only snapshots, taken when it changes.

The app keeps the embedded store open read-write (one opener per directory; the viewer writes
derived graphs as it analyses), and pyoxigraph calls opening the same directory read-only while
another process writes it undefined behaviour. So workers never open the live store: they open a
snapshot. An on-disk store is snapshotted with ``Store.backup`` (a RocksDB checkpoint: hard
links, near-instant on the same file system); an in-memory store, which no other process can
see, is copied into an on-disk snapshot. A new snapshot is taken on the first query after a write
through the app (every write goes through :class:`WriteCountingStore`); snapshots no worker
holds any more are deleted.
"""

from __future__ import annotations

import gc
import shutil
import tempfile
import threading
from pathlib import Path

import pyoxigraph as ox


class WriteCountingStore:
    """The app's store seam object, counting its writes (``generation``); everything else passes."""

    _WRITES = ("replace_graph", "add_to_graph", "drop_graph")

    def __init__(self, store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self.generation = 0

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name not in self._WRITES:
            return attribute

        def counted(*args, **kwargs):
            try:
                return attribute(*args, **kwargs)
            finally:
                with self._lock:
                    self.generation += 1

        return counted

    @property
    def wrapped(self):
        return self._store


class Snapshots:
    """Read-only copies of an embedded store for the worker processes, one per generation."""

    def __init__(self, source: WriteCountingStore) -> None:
        self._source = source
        self._root = Path(tempfile.mkdtemp(prefix=".fscai-sparql-snapshots-", dir=_snapshot_parent(source.wrapped)))
        self._lock = threading.Lock()
        self._current: tuple[int, Path] | None = None
        self._taken = 0
        self._stale = False

    def current(self) -> str:
        """The directory of a snapshot at least as new as the last write."""
        current = self._current
        if current is not None and current[0] == self._source.generation:
            return str(current[1])
        with self._lock:
            generation = self._source.generation
            if self._current is None or self._current[0] != generation:
                path = self._root / f"snapshot-{self._taken}"
                self._taken += 1
                _take(self._source.wrapped, path)
                self._current = (generation, path)
                self._stale = self._taken > 1
            return str(self._current[1])

    def prune(self, in_use: set[str]) -> None:
        """Delete the snapshots neither current nor opened by a worker."""
        with self._lock:
            keep = set(in_use) | ({str(self._current[1])} if self._current else set())
            self._stale = False
            for path in self._root.iterdir():
                if str(path) not in keep:
                    shutil.rmtree(path, ignore_errors=True)
                    self._stale = True  # deleted one; others may still be held: look again later

    @property
    def stale(self) -> bool:
        """Whether older snapshots may be left to delete."""
        return self._stale

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


def _snapshot_parent(store) -> str | None:
    """Beside an on-disk store (same file system: the backup is hard links), else the temp dir."""
    url = store.url
    if url == "memory:":
        return None
    directory = Path(url.removeprefix("oxigraph:")).expanduser().resolve()
    return str(directory.parent)


def _take(store, path: Path) -> None:
    live = store._live()  # noqa: SLF001 (the seam's OxigraphStore holds the pyoxigraph store)
    if store.url == "memory:":
        copy = ox.Store(str(path))
        copy.bulk_extend(live.quads_for_pattern(None, None, None, None))
        copy.flush()
        del copy
        gc.collect()  # close the copy (and its directory lock) before workers open it read-only
    else:
        live.backup(str(path))
