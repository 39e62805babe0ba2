"""The house rules: transforms/ is pure, the layout is complete, the lexicon and code lists agree."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from schemas.codes import EVENT_TYPES
from transforms.coder import load_lexicon

REPO = Path(__file__).resolve().parent.parent
BANNED = {"prefect", "duckdb", "requests", "httpx", "aiohttp", "urllib.request", "trafilatura.downloads", "flows"}


def test_transforms_import_no_io_or_orchestration():
    offenders = []
    for path in (REPO / "transforms").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for n in names:
                if any(n == b or n.startswith(b + ".") for b in BANNED):
                    offenders.append(f"{path.name}: {n}")
    assert offenders == []


def test_layout_is_complete():
    for name in ["pyproject.toml", "flows", "transforms", "schemas", "data", "tests", "prefect.yaml", "README.md",
                 "Makefile", ".ci/run", "queries", "requirements.lock", "data/sample"]:
        assert (REPO / name).exists(), name


def test_prefect_yaml_declares_the_nightly_deployment():
    cfg = yaml.safe_load((REPO / "prefect.yaml").read_text())
    (dep,) = [d for d in cfg["deployments"] if d["name"] == "nightly"]
    module, func = dep["entrypoint"].split(":")
    assert (REPO / module).exists()
    import flows.nightly as nightly_module

    assert getattr(nightly_module, func).name == "nightly"
    assert dep["schedules"][0]["cron"] == "0 2 * * *" and dep["schedules"][0]["timezone"] == "UTC"
    import inspect

    flow_params = set(inspect.signature(getattr(nightly_module, func).fn).parameters)
    assert dep["work_pool"]["name"] and set(dep["parameters"]) <= flow_params
    assert (REPO / dep["parameters"]["sources_file"]).is_file()


def test_lexicon_entries_parse_and_use_the_code_lists():
    lex = load_lexicon(REPO / "data" / "lexicon.yaml")
    assert len(lex) > 100
    for trig in [s for t in lex.values() for s in (*t.senses, t)]:
        assert trig.type in EVENT_TYPES
        assert trig.mode is None or trig.mode in EVENT_TYPES[trig.type].modes
        for pat in trig.source + trig.target:
            assert pat.startswith(("prep:", "deep:")) or pat in {"nsubj", "dobj", "nsubjpass", "agent", "dative", "poss",
                                                      "compound", "amod", "head_subject", "npadvmod", "to_subject", "doer"}, pat


def test_lexicon_rejects_unknown_modes(tmp_path):
    bad = tmp_path / "lexicon.yaml"
    raw = yaml.safe_load((REPO / "data" / "lexicon.yaml").read_text())
    raw["verbs"] = {"kill": {"type": "ASSAULT", "mode": "tickle"}}
    bad.write_text(yaml.safe_dump(raw))
    import pytest

    with pytest.raises(ValueError, match="tickle"):
        load_lexicon(bad)


def _load_with_extra_verb(tmp_path: Path, line: str) -> None:
    """Load the shipped lexicon with one more line at the top of its verbs."""
    path = tmp_path / "lexicon.yaml"
    path.write_text((REPO / "data" / "lexicon.yaml").read_text().replace("verbs:\n", f"verbs:\n  {line}\n", 1))
    load_lexicon(path)


def test_lexicon_rejects_a_lemma_given_twice_and_reads_senses_in_order(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="'kill' appears twice"):
        _load_with_extra_verb(tmp_path, "kill: {type: ASSAULT}")
    send = load_lexicon(REPO / "data" / "lexicon.yaml")[("verb", "send")]
    assert send.sense_for({"troop"}).type == "MOBILIZE" and send.sense_for({"aid"}).type == "AID"
    assert send.sense_for({"letter"}) is None
    with pytest.raises(ValueError, match="needs `with`"):
        _load_with_extra_verb(tmp_path, "zap: [{type: ASSAULT}, {type: COERCE}]")


def test_lexicon_rejects_with_values_yaml_reads_as_booleans(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="quote on, off"):
        _load_with_extra_verb(tmp_path, "zap: {type: ASSAULT, with: [on]}")


def test_lexicon_rejects_an_after_condition_that_is_no_event_type(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="after"):
        _load_with_extra_verb(tmp_path, "enlist: {type: SANCTION, subject: [list], after: BLACKLIST}")
    _load_with_extra_verb(tmp_path, "enlist: {type: SANCTION, subject: [list], after: SANCTION}")  # a valid one
