"""The records the pages render and the JSON API returns: plain, JSON-ready dicts.

Each page and its ``/api/...`` twin call the same function here, so the two always say the same
thing. Labels are ``{"zh": ..., "en": ...}``; every record that has a page carries its ``url``.
This module holds the shared pieces, the home page and the coverage matrix; the catalogue, the
subjects (institution, system, vendor, evidence), the trace and search have their own modules.
"""
