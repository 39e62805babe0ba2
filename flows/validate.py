"""Run the Great Expectations suites of ``schemas/suites/*.yaml`` on the tables of one run (ephemeral
context), find the rows that fail, and split them off into quarantine.

``validate_tables`` returns a ``Report``: per table its outcome (success, failed expectations with counts and
samples) and the failing row indices with their reasons, plus the Data Docs URL when a docs folder is given
(one GX Checkpoint per table with an ``UpdateDataDocsAction``). An expectation that raises is a configuration
error (``ValidationConfigError``), never treated as bad data.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from schemas.suites import SUITES

log = logging.getLogger(__name__)
DOCS_SITE = "newsevents"


class ValidationConfigError(RuntimeError):
    """An expectation raised instead of evaluating: a configuration error, not bad data."""


@dataclass
class TableOutcome:
    """Validation result of one table."""

    table: str
    rows: int
    success: bool
    failures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    """Outcomes per table, failing rows per table ({row index: [reasons]}), and the Data Docs index."""

    outcomes: dict[str, TableOutcome]
    bad_rows: dict[str, dict[int, list[str]]]
    docs_url: str | None = None

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes.values())


def gx_modules():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # noqa: PLC0415 - slow import, only when validating
    import great_expectations.expectations as gxe  # noqa: PLC0415

    return gx, gxe


def derive(tables: dict[str, pa.Table], run_date: str | None) -> dict[str, Any]:
    """pandas frames to validate: list columns dropped, derived ``_`` columns added (see the suite files)."""
    frames = {name: t.drop_columns([f.name for f in t.schema if pa.types.is_list(f.type)]).to_pandas()
              for name, t in tables.items()}
    ev, arts = frames.get("events"), frames.get("articles")
    if ev is not None:
        limit = date.fromisoformat(run_date) + timedelta(days=1) if run_date else date.today() + timedelta(days=1)
        pub = dict(zip(arts["article_id"], arts["published_date"], strict=True)) if arts is not None else {}
        text = dict(zip(arts["article_id"], arts["text"], strict=True)) if arts is not None else {}

        def plausible(row: Any) -> bool:
            d = row.event_date
            if d is None or d != d:  # None or NaT
                return True
            p = pub.get(row.article_id)
            top = (p + timedelta(days=1)) if p is not None and p == p else limit
            return date(1900, 1, 1) <= d <= top

        ev["_date_plausible"] = [plausible(r) for r in ev.itertuples()] if len(ev) else []
        ev["_evidence_in_text"] = [isinstance(e, str) and bool(e) and isinstance(text.get(a), str) and e in text[a]
                                   for a, e in zip(ev["article_id"], ev["evidence"], strict=True)] if len(ev) else []
        ev["_date_plausible"] = ev["_date_plausible"].astype(bool)
        ev["_evidence_in_text"] = ev["_evidence_in_text"].astype(bool)
    return frames


def _raised(info: Any) -> str | None:
    """The exception message when an expectation raised (GX nests exception info per metric)."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for v in info.values():
        got = _raised(v)
        if got:
            return got
    return None


def validate_tables(tables: dict[str, pa.Table], run_date: str | None = None,
                    docs_dir: Path | None = None) -> Report:
    """Validate every table that has a suite. Raises ValidationConfigError when an expectation errors."""
    gx, gxe = gx_modules()
    ctx = gx.get_context(mode="ephemeral")
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: PLC0415

        ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    except Exception:  # noqa: BLE001 - cosmetic only
        pass
    actions = []
    if docs_dir is not None:
        ctx.add_data_docs_site(DOCS_SITE, {"class_name": "SiteBuilder", "store_backend": {
            "class_name": "TupleFilesystemStoreBackend", "base_directory": str(Path(docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
        actions = [gx.checkpoint.UpdateDataDocsAction(name="data-docs", site_names=[DOCS_SITE])]
    source = ctx.data_sources.add_pandas("run")
    frames = derive(tables, run_date)
    refs = {kw["value_set_from"] for specs in SUITES.values() for _, kw in specs if "value_set_from" in kw}
    values = {ref: frames[ref.split(".")[0]][ref.split(".")[1]].dropna().unique()
              for ref in refs if ref.split(".")[0] in frames}
    outcomes: dict[str, TableOutcome] = {}
    bad_rows: dict[str, dict[int, list[str]]] = {}
    for name, specs in SUITES.items():
        df = frames.get(name)
        if df is None:
            continue
        asset = source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all")
        suite = ctx.suites.add(gx.ExpectationSuite(name=f"{name}-suite"))
        flags: dict[str, str] = {}  # derived foreign-key flag -> the column it checks
        for etype, kwargs in specs:
            kw = dict(kwargs)
            if "value_set_from" in kw:
                # a foreign key: GX checks a derived flag ("_source_actor_id_in_actors"), not a value set of
                # every id of the wave (thousands of ids in an expectation's kwargs cost GX seconds per call)
                ref = kw.pop("value_set_from")
                flag = f"_{kw['column']}_in_{ref.split('.')[0]}"
                col = df[kw["column"]]
                df[flag] = (col.isna() | col.isin(values.get(ref, []))).astype(bool)
                flags[flag] = kw["column"]
                kw.update(column=flag, value_set=[True])
            suite.add_expectation(getattr(gxe, etype)(**kw))
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=f"{name}-validation", data=batch, suite=suite))
        cp = ctx.checkpoints.add(gx.Checkpoint(name=f"{name}-checkpoint", validation_definitions=[vd], actions=actions,
                                               result_format={"result_format": "COMPLETE"}))
        res = next(iter(cp.run(batch_parameters={"dataframe": df}).run_results.values()))
        failures, rows = [], {}
        for r in res.results:
            raised = _raised(r.exception_info)
            if raised:
                raise ValidationConfigError(f"{name}: {r.expectation_config.type}"
                                            f"({r.expectation_config.kwargs.get('column')}) raised: {raised}")
            if r.success:
                continue
            result = r.result or {}
            col = r.expectation_config.kwargs.get("column") or r.expectation_config.kwargs.get("column_list")
            idxs = [int(i["index"]) if isinstance(i, dict) else int(i) for i in result.get("unexpected_index_list") or []]
            sample = [str(v) for v in (result.get("partial_unexpected_list") or [])[:5]]
            if isinstance(col, str) and col in flags:  # a foreign key: report the dangling ids, not the flag
                col = flags[col]
                sample = [str(df[col].iloc[i]) for i in idxs[:5]]
            reason = f"{r.expectation_config.type}({col})"
            failures.append({"expectation": r.expectation_config.type, "column": col,
                             "unexpected_count": int(result.get("unexpected_count") or 0), "sample": sample})
            for idx in idxs:
                rows.setdefault(idx, []).append(reason)
        outcomes[name] = TableOutcome(name, len(df), bool(res.success), failures)
        if rows:
            bad_rows[name] = rows
    url = None
    if docs_dir is not None:
        url = (Path(docs_dir).resolve() / "index.html").as_uri()
    return Report(outcomes, bad_rows, url)


def split_rows(tables: dict[str, pa.Table], bad_rows: dict[str, dict[int, list[str]]], run_id: str
               ) -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    """(tables without the failing rows, the failing rows with ``_reasons`` and ``_run_id`` columns)."""
    good, bad = dict(tables), {}
    for name, rows in bad_rows.items():
        t = tables[name]
        idx = sorted(rows)
        keep = [i for i in range(t.num_rows) if i not in rows]
        good[name] = t.take(pa.array(keep, type=pa.int64()))
        q = t.take(pa.array(idx, type=pa.int64()))
        q = q.append_column("_reasons", pa.array([sorted(set(rows[i])) for i in idx], type=pa.list_(pa.string())))
        bad[name] = q.append_column("_run_id", pa.array([run_id] * len(idx), type=pa.string()))
    return good, bad
