"""Cleaning: body text without chrome, the page's own metadata with provenance, language, fingerprint."""

from __future__ import annotations

from datetime import date

from transforms.clean import clean_html, clean_record, parse_datetime, url_date

BODY = " ".join(["The ministry said the talks in the capital would continue next week with both delegations present."] * 6)


def _page(head: str, body: str = BODY, lang: str = "en") -> str:
    return f"""<html lang="{lang}"><head><title>Talks go on | Daily Example</title>{head}</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe now</a></nav>
<article><h1>Talks go on</h1><p>{body}</p><p>{body}</p></article>
<div class="share">Share on Facebook</div><footer>Copyright Daily Example. Privacy policy.</footer></body></html>"""


def test_metadata_comes_from_the_page_with_provenance():
    head = ('<link rel="canonical" href="https://daily.example/world/talks-go-on/">'
            '<meta property="og:title" content="Talks go on">'
            '<meta property="article:published_time" content="2024-10-16T01:30:00+06:00">')
    a = clean_html(_page(head), fallback_url="file:///tmp/x.html")
    assert a.url == "https://daily.example/world/talks-go-on/"
    assert a.title == "Talks go on"
    assert a.published_date == date(2024, 10, 16)  # the page's own date, though UTC is the 15th
    assert a.published_at.isoformat() == "2024-10-15T19:30:00+00:00"
    assert a.published_source == "meta:article:published_time"
    assert a.language == "en"
    assert "Share on Facebook" not in a.text and "Subscribe now" not in a.text and "delegations" in a.text
    assert len(a.fingerprint) == 16 and a.word_count > 50


def test_jsonld_date_when_no_meta_and_non_article_jsonld_ignored():
    head = ('<script type="application/ld+json">{"@type": "VideoObject", "uploadDate": "2020-01-01", '
            '"url": "https://daily.example/video/1"}</script>'
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-05-02", '
            '"url": "https://daily.example/news/2"}</script>')
    a = clean_html(_page(head))
    assert a.published_date == date(2023, 5, 2) and a.published_source == "jsonld:datePublished"
    assert a.url == "https://daily.example/news/2"


def test_page_without_metadata_keeps_the_file_url_and_no_date():
    a = clean_html(_page(""), fallback_url="file:///data/pages/x.html")
    assert a.url == "file:///data/pages/x.html"
    assert a.published_date is None and a.published_at is None and a.published_source is None
    assert a.text


def test_non_english_page_is_identified():
    fr = " ".join(["Le ministère a déclaré que les négociations dans la capitale se poursuivraient la semaine "
                   "prochaine en présence des deux délégations."] * 6)
    a = clean_html(_page("", body=fr, lang="fr"))
    assert a.language == "fr"


def test_text_records_and_date_helpers():
    a = clean_record({"url": "https://x.example/1", "title": "T", "text": "Police arrested two men.",
                      "published": "2000-01-01", "language": "en"})
    assert a.published_date == date(2000, 1, 1) and a.published_source == "record" and a.language == "en"
    assert parse_datetime("not a date") == (None, None)
    assert url_date("https://x.example/2024/10/16/story/") == date(2024, 10, 16)
    assert url_date("https://x.example/story") is None
