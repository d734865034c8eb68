"""Submissions as spreadsheets: the workbook an institution fills instead of Turtle.

- :mod:`~mapper.workbook.mapping`: which sheets and columns, and the property each gives
  (``ontology/workbook.ttl``, read from the store: data, not Python);
- :mod:`~mapper.workbook.read`: a filled ``.xlsx`` -> the N-Triples a Turtle submission would give,
  each line remembering its cell, so the loader's checks name ``FILE:SHEET!CELL``;
- :mod:`~mapper.workbook.write`: the template, empty or filled from a submission.
"""
