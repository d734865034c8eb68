"""The catalogue and the analyses in the formats other compliance tools read.

- :mod:`~mapper.export.oscal`: OSCAL JSON (a catalog of the guideline; per institution, assessment
  results with a finding per gap and a plan of action and milestones for planned items);
- :mod:`~mapper.export.ciso_assistant`: the guideline as a CISO Assistant framework library (YAML).

Each exporter reads the catalogue records (:mod:`mapper.catalogue.records`) and the analyses
(:mod:`mapper.analysis`), never the store directly, so it says what the other faces say.
"""
