"""Whether a literal's lexical form is valid for its XSD datatype.

The RDF parsers accept ill-typed literals (``"2025-02-30"^^xsd:date``,
``"300"^^xsd:unsignedByte``) silently; the loader refuses them, and :func:`xsd_valid` judges
them.
"""

from __future__ import annotations

import re

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_DATE = XSD + "date"

# Not rdflib's Literal.ill_typed: it differs on "24:00:00" time, "１２" integer, "PT" duration... (test_load.py)
_TZ = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?(?:[1-9]\d{4,}|\d{4})"
_XSD_PATTERNS = {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)",
    "double": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "float": r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN",
    "date": rf"({_YEAR})-(\d\d)-(\d\d){_TZ}",
    "dateTime": rf"({_YEAR})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?{_TZ}",
    "dateTimeStamp": rf"({_YEAR})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:Z|[+-]\d\d:\d\d)",
    "time": rf"(\d\d):(\d\d):(\d\d)(?:\.(\d+))?{_TZ}",
    "gYear": rf"{_YEAR}{_TZ}",
    "gYearMonth": rf"{_YEAR}-(0[1-9]|1[0-2]){_TZ}",
    "duration": r"-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
    "hexBinary": r"(?:[0-9a-fA-F]{2})*",
    "integer": r"[+-]?\d+",
}
_XSD_REGEX = {name: re.compile(rf"(?:{pattern})\Z", re.ASCII) for name, pattern in _XSD_PATTERNS.items()}
#: Integer types derived from xsd:integer: (lowest, highest), None for unbounded.
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-2**7, 2**7 - 1), "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}


def xsd_valid(lexical: str, name: str) -> bool:
    """Whether ``lexical`` is a valid literal of the XSD datatype ``xsd:name``.

    Checked: boolean, the numeric types (integer and its 12 derived types with their
    ranges, decimal, double, float), date, dateTime, dateTimeStamp, time, gYear,
    gYearMonth, duration, hexBinary; surrounding whitespace is allowed (XSD collapses
    it). Any other datatype is accepted as written.

    >>> xsd_valid("2025-02-28", "date"), xsd_valid("2025-02-30", "date"), xsd_valid("2024-02-29Z", "date")
    (True, False, True)
    >>> xsd_valid("24:00:00", "time"), xsd_valid("24:00:01", "time"), xsd_valid("12", "boolean")
    (True, False, False)
    >>> xsd_valid("300", "unsignedByte"), xsd_valid("-0", "nonNegativeInteger"), xsd_valid(" 7 ", "int")
    (False, True, True)
    >>> xsd_valid("P", "duration"), xsd_valid("P1Y2MT3.5S", "duration"), xsd_valid("anything", "anyURI")
    (False, True, True)
    >>> xsd_valid("１２", "integer")  # fullwidth digits are not XSD digits
    False
    """
    lexical = lexical.strip(" \t\r\n")
    if name in _INTEGER_RANGES:
        if not _XSD_REGEX["integer"].match(lexical):
            return False
        low, high = _INTEGER_RANGES[name]
        if low is None and high is None:
            return True
        digits = lexical.lstrip("+-").lstrip("0")
        if len(digits) > 25:  # beyond every bounded type; avoids int() on huge strings
            negative = lexical.startswith("-")
            return (low is None and negative) or (high is None and not negative)
        number = int(lexical)
        return (low is None or number >= low) and (high is None or number <= high)
    regex = _XSD_REGEX.get(name)
    if regex is None:
        return True
    match = regex.match(lexical)
    if match is None:
        return False
    if name in ("date", "dateTime", "dateTimeStamp"):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
            return False
        if name != "date":
            return _valid_time(match.group(4), match.group(5), match.group(6), match.group(7))
        return True
    if name == "time":
        return _valid_time(*match.groups()[:4])
    return True


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        # XSD 1.1: year 0 is 1 BCE, a leap year; the proleptic Gregorian rule applies
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _valid_time(hour: str, minute: str, second: str, fraction: str | None) -> bool:
    if (hour, minute, second) == ("24", "00", "00"):
        return not fraction or not fraction.strip("0")
    return int(hour) < 24 and int(minute) < 60 and int(second) < 60
