"""Run the project's own cleaning function over the Article Extraction Benchmark pages and write
predictions for ../shared/eval/score_extraction.py.

usage: python -m flows.eval_extraction --aeb ../shared/eval/aeb --out /tmp/aeb-preds.json
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from transforms.clean import clean_html


def main(argv: list[str] | None = None) -> None:
    """Write {page id: cleaned text} for every ``html/*.html.gz`` page of the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--aeb", required=True, help="benchmark folder with html/*.html.gz")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    preds = {}
    for path in sorted(Path(args.aeb, "html").glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            html = f.read()
        preds[path.name.removesuffix(".html.gz")] = clean_html(html).text or ""
    Path(args.out).write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {len(preds)} predictions to {args.out}")


if __name__ == "__main__":
    main()
