"""Where the project's knowledge lives on disk: ontology, checks, shapes and queries.

Every command takes a root (``--root`` or ``FSCAI_ROOT``), so a compliance architect can point
the tool at an edited copy of the Turtle files without touching Python.

>>> layout = project_layout()
>>> layout.ontology_dir.name, layout.shapes_dir.name
('ontology', 'shapes')
>>> any(p.name == "core.ttl" for p in layout.ontology_files())
True
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_ROOT = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Layout:
    """The directories of one project tree (the repository or an architect's copy)."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def checks_dir(self) -> Path:
        """Quality gates over the ontology itself: SHACL shapes and ``*-violation.rq``."""
        return self.ontology_dir / "checks"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """Every Turtle file of the ontology (vocabulary and guideline content), checks excluded."""
        return sorted(p for p in self.ontology_dir.rglob("*.ttl") if self.checks_dir not in p.parents)

    @property
    def rules_dir(self) -> Path:
        """Applicability rules and the risk-tier rule: data the analysis queries read."""
        return self.shapes_dir / "rules"

    def rules_files(self) -> list[Path]:
        return sorted(self.rules_dir.glob("*.ttl"))

    def knowledge_files(self) -> list[Path]:
        """What the catalogue graph holds: the ontology and the rules."""
        return self.ontology_files() + self.rules_files()

    def shape_files(self) -> list[Path]:
        """Submission shapes: every Turtle file under shapes/, the rules excepted."""
        return sorted(p for p in self.shapes_dir.rglob("*.ttl") if self.rules_dir not in p.parents)

    def check_shapes_files(self) -> list[Path]:
        return sorted(self.checks_dir.glob("*.shapes.ttl"))

    def violation_queries(self) -> list[Path]:
        return sorted(self.checks_dir.glob("*-violation.rq"))


def project_layout(root: str | os.PathLike[str] | None = None) -> Layout:
    """The layout at ``root``, else ``$FSCAI_ROOT``, else the repository this package sits in."""
    chosen = root or os.environ.get("FSCAI_ROOT") or DEFAULT_ROOT
    return Layout(Path(chosen).resolve())
