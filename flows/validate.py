"""Run the Great Expectations suites of ``schemas/suites.py`` on the tables of one run (ephemeral context).

``validate_tables`` returns one ``TableOutcome`` per table: success, the failed expectations with their
unexpected counts and sample values, and configuration errors (an expectation that raised)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from schemas.suites import SUITES

log = logging.getLogger(__name__)


class ValidationConfigError(RuntimeError):
    """An expectation raised instead of evaluating: a configuration error, not bad data."""


@dataclass
class TableOutcome:
    """Validation result of one table."""

    table: str
    rows: int
    success: bool
    failures: list[dict[str, Any]] = field(default_factory=list)


def _gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # noqa: PLC0415 - slow import, only when validating
    import great_expectations.expectations as gxe  # noqa: PLC0415

    return gx, gxe


def validate_tables(tables: dict[str, pa.Table]) -> dict[str, TableOutcome]:
    """Validate every table that has a suite. Raises ValidationConfigError when an expectation errors."""
    gx, gxe = _gx()
    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    source = ctx.data_sources.add_pandas("run")
    values = {f"{t}.{c}": set(tables[t].column(c).to_pylist()) - {None}
              for t in tables for c in tables[t].column_names if c.endswith("_id")}
    out: dict[str, TableOutcome] = {}
    for name, specs in SUITES.items():
        table = tables.get(name)
        if table is None:
            continue
        df = table.drop_columns([f.name for f in table.schema if pa.types.is_list(f.type)]).to_pandas()
        asset = source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all")
        suite = ctx.suites.add(gx.ExpectationSuite(name=f"{name}-suite"))
        for etype, kwargs in specs:
            kw = dict(kwargs)
            if "value_set_from" in kw:
                kw["value_set"] = sorted(values.get(kw.pop("value_set_from"), set()))
            suite.add_expectation(getattr(gxe, etype)(**kw))
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=f"{name}-validation", data=batch, suite=suite))
        res = vd.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")
        failures = []
        for r in res.results:
            exc = r.exception_info or {}
            raised = exc.get("raised_exception") if isinstance(exc, dict) else False
            if raised:
                raise ValidationConfigError(f"{name}: {r.expectation_config.type} raised: {exc.get('exception_message')}")
            if not r.success:
                result = r.result or {}
                failures.append({"expectation": r.expectation_config.type,
                                 "column": r.expectation_config.kwargs.get("column") or r.expectation_config.kwargs.get("column_list"),
                                 "unexpected_count": int(result.get("unexpected_count") or 0),
                                 "sample": [str(v) for v in (result.get("partial_unexpected_list") or [])[:5]]})
        out[name] = TableOutcome(name, table.num_rows, bool(res.success), failures)
    return out
