"""The worker processes' view of an embedded store: read-only snapshots, taken when it changes.

The app keeps the embedded store open read-write (one opener per directory), and pyoxigraph calls
opening the same directory read-only while another process writes it undefined behaviour. So
workers never open the live store: they open a snapshot the store writes for them
(``Store.snapshot``: a RocksDB checkpoint of an on-disk store, a copy of an in-memory one). A new
snapshot is taken on the first query after a write (``Store.generation`` counts them); snapshots no
worker holds any more are deleted.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from mapper.store import Store
from mapper.store.url import parse_store_url


class Snapshots:
    """Read-only copies of an embedded store for the worker processes, one per generation."""

    def __init__(self, source: Store) -> None:
        self._source = source
        self._root = Path(tempfile.mkdtemp(prefix=".fscai-sparql-snapshots-", dir=_snapshot_parent(source)))
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
                self._source.snapshot(path)
                self._current = (generation, path)
                self._stale = self._taken > 1
            return str(self._current[1])

    def prune(self, in_use: set[str]) -> None:
        """Delete the snapshots neither current nor opened by a worker."""
        with self._lock:
            current = str(self._current[1]) if self._current else None
            self._stale = False
            for path in self._root.iterdir():
                if str(path) == current:
                    continue
                if str(path) in in_use:
                    self._stale = True  # an old one a worker still holds: look again later
                else:
                    shutil.rmtree(path, ignore_errors=True)

    @property
    def stale(self) -> bool:
        """Whether older snapshots may be left to delete."""
        return self._stale

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)


def _snapshot_parent(store: Store) -> str | None:
    """Beside an on-disk store (same file system: the checkpoint is hard links), else the temp dir."""
    location = parse_store_url(store.url)
    return None if location.path is None else str(location.path.resolve().parent)
