"""Numbers of people from text: number words, digits, qualifiers and vague quantities.

Conventions (documented in the codebook): "at least N" / "more than N" / "over N" -> low = best = N;
"up to N" -> best = N, low = None; "nearly/about/around N" -> best = N; vague words follow ACLED's
coding: "a dozen" = "dozens" = 12, "tens" = 10, "scores" = 20, "hundreds" = 100, "thousands" = 1000,
"several" / "a few" = 3 (low 2), "a couple" = 2; "two dozen" = 24.
"""

from __future__ import annotations

import re

from word2number import w2n

VAGUE = {"dozens": 12, "dozen": 12, "tens": 10, "scores": 20, "score": 20, "hundreds": 100, "thousands": 1000,
         "several": 3, "few": 3, "couple": 2, "handful": 3, "numerous": 3, "many": 3}
_NUM_WORDS = {"a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def parse_count(text: str) -> tuple[int, int | None] | None:
    """(best, low) for a quantity phrase ("at least eight", "21", "dozens", "two dozen", "1,200"),
    None when there is no number in it."""
    t = text.lower().replace(",", "").replace("-", " ").strip()
    t = re.sub(r"\s+", " ", t)
    low_bound = bool(re.search(r"\b(at least|more than|over|upwards of|no fewer than|in excess of)\b", t))
    up_to = bool(re.search(r"\b(up to|as many as|fewer than|less than|under)\b", t))
    t = re.sub(r"\b(at least|more than|over|upwards of|no fewer than|in excess of|up to|as many as|fewer than|"
               r"less than|under|nearly|about|around|some|approximately|roughly|almost|an estimated|estimated)\b", "", t)
    t = t.strip()
    best: int | None = None
    m = re.search(r"\b(\d+(?:\.\d+)?)\s*(million|thousand|hundred)?\b", t)
    if m:
        val = float(m.group(1)) * {"million": 1e6, "thousand": 1e3, "hundred": 1e2, None: 1}[m.group(2)]
        best = int(val)
    else:
        words = t.split()
        mult = 1
        if "dozen" in words and (len(words) > 1 and words[0] in _NUM_WORDS):
            best = _NUM_WORDS[words[0]] * 12
        else:
            for w in words:
                if w in VAGUE:
                    best = VAGUE[w]
                    break
            if best is None:
                try:
                    best = int(w2n.word_to_num(t)) * mult if t else None
                except ValueError:
                    best = None
    if best is None:
        return None
    if up_to:
        return best, None
    if any(w in t.split() for w in ("several", "few", "handful", "numerous", "many")):
        return best, 2
    del low_bound  # a lower bound is coded as its number, like an exact count
    return best, best
