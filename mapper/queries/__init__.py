"""The engine's generic SPARQL queries, one ``.rq`` file each.

>>> "SELECT" in query_text("catalogue-terms")
True
"""

from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent


def query_text(name: str) -> str:
    """The text of ``mapper/queries/NAME.rq``."""
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
