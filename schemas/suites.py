"""Great Expectations suites, one reviewable YAML file per table in ``schemas/suites/<table>.yaml``.

Each file lists expectations by GX class name with their keyword arguments. Two references are resolved
here: ``value_set: {codes: NAME}`` is a code list of ``schemas/codes.py``; ``value_set_from: "<table>.<column>"``
is resolved at validation time to the values of that column in the same run (foreign keys; GX checks them
through a derived flag column ``_<column>_in_<table>``, reported under the column it checks). Columns starting
with ``_`` are derived before validation (``derived:`` in the file says how; ``flows/validate.py`` computes
them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from schemas import codes

SUITE_DIR = Path(__file__).resolve().parent / "suites"
Spec = tuple[str, dict[str, Any]]


def _resolve(kwargs: dict[str, Any]) -> dict[str, Any]:
    kw = dict(kwargs)
    vs = kw.get("value_set")
    if isinstance(vs, dict) and "codes" in vs:
        values = getattr(codes, vs["codes"])
        kw["value_set"] = sorted(values) if isinstance(values, dict | set) else list(values)
    return kw


def load_suites(directory: Path = SUITE_DIR) -> dict[str, list[Spec]]:
    """{table: [(expectation class name, kwargs)]} from the YAML files."""
    out: dict[str, list[Spec]] = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out[doc["table"]] = [(e["expectation"], _resolve({k: v for k, v in e.items() if k != "expectation"}))
                             for e in doc["expectations"]]
    return out


def derived_columns(directory: Path = SUITE_DIR) -> dict[str, dict[str, str]]:
    """{table: {derived column: definition}}."""
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("derived"):
            out[doc["table"]] = doc["derived"]
    return out


SUITES: dict[str, list[Spec]] = load_suites()
