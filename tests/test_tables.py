"""Deterministic ids, duplicate marking and the explicit table schemas."""

from __future__ import annotations

import pyarrow as pa
import pytest

from schemas.tables import TABLES
from transforms.clean import clean_record
from transforms.tables import SchemaMismatch, article_id, article_row, mark_duplicates, to_table

STORY = ("A drone strike on a crowded market in the besieged city killed at least 21 people and wounded more than "
         "40 on Sunday, local doctors said. The army accused the paramilitary group of carrying out the strike, "
         "which hit the market at midday when it was full of shoppers and traders from nearby villages.")
REWRITE = ("At least 21 people were killed and more than 40 wounded on Sunday when a drone strike hit a crowded "
           "market in the besieged city, local doctors said. The army accused the paramilitary group of the "
           "strike, which hit the market at midday when it was full of shoppers and traders from villages nearby.")
OTHER = "Finance ministers met in the capital to discuss the budget and agreed to meet again next month for talks."


def _row(url, text, published):
    return article_row(clean_record({"url": url, "text": text, "published": published, "language": "en"}), "t", url)


def test_article_id_ignores_scheme_www_and_trailing_slash():
    assert article_id("https://www.a.example/x/", None) == article_id("http://a.example/x", None)
    assert article_id("https://a.example/x", None) != article_id("https://a.example/y", None)


def test_syndicated_rewrite_is_a_duplicate_of_the_earlier_copy():
    rows = [_row("https://b.example/2", REWRITE, "2025-05-20"), _row("https://a.example/1", STORY, "2025-05-19"),
            _row("https://c.example/3", OTHER, "2025-05-19")]
    mark_duplicates(rows)
    assert rows[0]["duplicate_of"] == rows[1]["article_id"]
    assert rows[1]["duplicate_of"] is None and rows[2]["duplicate_of"] is None


def test_to_table_uses_the_declared_schema_and_rejects_drift():
    t = to_table("articles", [_row("https://a.example/1", STORY, "2025-05-19")])
    assert t.schema.equals(TABLES["articles"], check_metadata=False)
    assert t.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    with pytest.raises(SchemaMismatch, match="not in schemas"):
        to_table("actors", [{"actor_id": "a", "name": "n", "kind": "state", "colour": "red"}])
    with pytest.raises(SchemaMismatch, match="null"):
        to_table("actors", [{"actor_id": "a", "name": None, "kind": "state"}])
    assert to_table("events", []).num_rows == 0


def test_briefs_that_differ_in_one_word_are_different_events_but_identical_briefs_are_copies():
    banned = "President Yoweri Museveni has banned Ugandan opposition candidates from the upcoming elections."
    threat = "President Yoweri Museveni has threatened to ban Ugandan opposition candidates from the upcoming elections."
    rows = [_row("https://a.example/1", banned, "2025-05-19"), _row("https://b.example/2", threat, "2025-05-19"),
            _row("https://c.example/3", banned, "2025-05-20")]
    mark_duplicates(rows)
    assert rows[1]["duplicate_of"] is None  # 'threatened to ban' is not 'banned'
    assert rows[2]["duplicate_of"] == rows[0]["article_id"]


def test_duplicate_candidates_come_from_sorted_bucket_keys_not_a_bucket_index():
    """Many articles, few copies: the columnar signatures find exactly the planted copies, at any order."""
    import random

    from transforms.tables import Signatures, find_duplicates

    rng = random.Random(7)
    vocab = [f"term{i}x" for i in range(5000)]
    texts = [" ".join(rng.choice(vocab) for _ in range(200)) for _ in range(600)]
    rows = [{"article_id": f"a{i}", "text": t, "url": f"https://x.example/{i}", "fingerprint": f"{rng.getrandbits(64):016x}",
             "published_at": None} for i, t in enumerate(texts)]
    copies = {}
    for k, src in enumerate((3, 50, 400)):  # rewrites keeping 80 % of the words
        words = texts[src].split()
        words[:40] = [rng.choice(vocab) for _ in range(40)]
        rows.append({"article_id": f"c{k}", "text": " ".join(words), "url": f"https://y.example/{k}",
                     "fingerprint": f"{rng.getrandbits(64):016x}", "published_at": None})
        copies[f"c{k}"] = f"a{src}"
    near = rng.getrandbits(64)  # a copy found by its simhash (3 bits apart) though its words were rewritten
    rows[10]["fingerprint"] = f"{near:016x}"
    rows.append({"article_id": "s", "text": " ".join(rng.choice(vocab) for _ in range(200)),
                 "url": "https://z.example/s", "fingerprint": f"{near ^ 0b1011:016x}", "published_at": None})
    copies["s"] = "a10"
    rows.append({**rows[5], "url": "https://x.example/5"})  # the same article again
    copies["a5"] = "a5"
    out = find_duplicates(Signatures(rows))
    got = {r["article_id"]: d for r, d in zip(rows, out, strict=True) if d}
    assert got == copies


def test_texts_of_one_vocabulary_still_find_exactly_their_copies():
    """Every pair of these texts shares ~35 % of its words, so ~40 % of pairs share an LSH bucket: the
    candidates are ranked by MinHash agreement and the planted rewrites are still found, and nothing else."""
    import random

    import transforms.tables as tt

    rng = random.Random(11)
    vocab = [f"word{i}x" for i in range(200)]
    rows = [{"article_id": f"a{i}", "text": " ".join(rng.choice(vocab) for _ in range(150)),
             "url": f"https://x.example/{i}", "fingerprint": f"{rng.getrandbits(64):016x}", "published_at": None}
            for i in range(400)]
    planted = {}
    for k, src in enumerate(range(0, 400, 40)):
        words = rows[src]["text"].split()
        words[:15] = [rng.choice(vocab) for _ in range(15)]
        rows.append({"article_id": f"c{k}", "text": " ".join(words), "url": f"https://y.example/{k}",
                     "fingerprint": f"{rng.getrandbits(64):016x}", "published_at": None})
        planted[f"c{k}"] = f"a{src}"
    sigs = tt.Signatures(rows)
    got = {r["article_id"]: d for r, d in zip(rows, tt.find_duplicates(sigs), strict=True) if d}
    assert planted.items() <= got.items()
    # and the same answer as comparing every pair (urls sort the a-rows before the c-rows)
    order = sorted(range(len(rows)), key=lambda i: rows[i]["url"])
    originals, brute = [], {}
    for i in order:
        hit = next((j for j in originals if tt._near_copy(sigs.words[i], sigs.fingerprints[i], sigs.words[j],
                                                          sigs.fingerprints[j])), None)
        if hit is None:
            originals.append(i)
        else:
            brute[rows[i]["article_id"]] = rows[hit]["article_id"]
    assert got == brute
