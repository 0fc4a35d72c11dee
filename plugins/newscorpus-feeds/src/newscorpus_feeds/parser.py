"""The ``feed-item`` parser: a feed item or sitemap entry to an Article."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import attrs

from newscorpus.errors import DocumentError
from newscorpus.models import Article, Credit, Provenance, Timestamp
from newscorpus.options import at_least, option
from newscorpus.parsers import Parser
from newscorpus.parsers.plaintext import analyse_paragraphs
from newscorpus.readers import Limits, RawDocument

from .htmltext import fragment_paragraphs
from .items import ITEM_MEDIA_TYPE, MIN_WORDS, has_text

__all__ = ["FeedItemParser", "source_from_feed_title"]

_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
_TITLE_SPLIT = re.compile(r"\s+[-–—|:]\s+|:\s+")


def source_from_feed_title(title: str | None) -> str | None:
    """The outlet in a feed's title: its first part before a separator
    (``Reuters: Most Read Articles`` → ``Reuters``, ``BBC News - Home`` →
    ``BBC News``), when that part is a name of at most five words."""
    if not title:
        return None
    first = _TITLE_SPLIT.split(title, maxsplit=1)[0].strip()
    return first if first and len(first.split()) <= 5 else None


def _timestamp(value: Any) -> Timestamp | None:
    if not isinstance(value, str) or not value:
        return None
    has_time = "T" in value
    try:
        precision = "second" if has_time else "day"
        return Timestamp(value, precision, "feed")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


class FeedItemParser(Parser):
    """Builds an Article from a feed item (``application/x-newscorpus-feed-item``).

    The body is the item's full content (``content:encoded``, Atom ``content``,
    JSON Feed ``content_html``), or its summary when that is long enough to be
    the article; bylines and datelines in it are lifted as the plain-text parser
    does. Title, link, dates (signal ``feed``), authors, language and outlet come
    from the item and its feed; the summary, feed title, guid and categories go to
    ``extras["feed"]``.

    An item without article text is quarantined as ``needs-fetch`` with its URL
    in the detail: turn on the ``feed`` reader's ``fetch`` option to fetch it.

    Options:
        min_words: Content shorter than this is a teaser (default 50). The ``feed``
            reader's own ``min_words`` travels with each item and wins, so one
            setting (``read.options.feed.min_words``) governs both.
    """

    name = "feed-item"

    @attrs.frozen
    class Options:
        """Options of the ``feed-item`` parser."""

        min_words: int = option(MIN_WORDS, "Content shorter than this is a teaser, not the article.", at_least(0))
    media_types = (ITEM_MEDIA_TYPE,)

    def __init__(self, limits: Limits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or Limits()
        self.min_words = int(options.get("min_words", MIN_WORDS))

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        f = doc.fields
        url = f.get("url") if isinstance(f.get("url"), str) else None
        if f.get("format") == "sitemapindex":
            raise DocumentError("sitemap-index", f"a sitemap index entry pointing to another sitemap: {url}")
        min_words = int(f.get("min_words") or self.min_words)
        if not has_text(f, min_words):
            if not url:
                raise DocumentError("no-text", "the item has neither article text nor a link")
            raise DocumentError("needs-fetch", f"the item has no article text (read.options.feed.fetch: true "
                                f"fetches its page): {url}")
        content = str(f["content_html"]) if isinstance(f.get("content_html"), str) else ""
        summary = str(f["summary_html"]) if isinstance(f.get("summary_html"), str) else ""
        source_html = content if content and sum(len(p.split()) for p in fragment_paragraphs(content)) >= \
            min_words else summary
        paragraphs = fragment_paragraphs(source_html)
        for p in paragraphs:
            if len(p) > self.limits.max_line_chars:
                raise DocumentError("line-too-long", f"a paragraph of {len(p):,} characters exceeds "
                                    "read.limits.max_line_chars")
        parsed = analyse_paragraphs(paragraphs, has_title=False)
        if not parsed.body:
            raise DocumentError("no-text", "the item's content held nothing but bylines")
        names = [n for n in f.get("authors") or [] if isinstance(n, str)]
        credits = [Credit(n, "author", "feed") for n in names]
        credits += [c for c in parsed.credits if c.name not in names]
        lang_match = _LANG.match(f["language"]) if isinstance(f.get("language"), str) else None
        extras_feed = {
            "feed_title": f.get("feed_title"),
            "feed_url": f.get("feed_url"),
            "guid": f.get("id"),
            "keywords": f.get("keywords") or None,
            "summary": " ".join(fragment_paragraphs(summary)) if summary and source_html is not summary else None,
            "format": f.get("format"),
            # A date the feed wrote in a form no parser read ("Seg, 24 Set 2018"): kept as written.
            "published_raw": f.get("published_raw") if not f.get("published") else None,
        }
        source = f.get("source") if f.get("format") == "sitemap" else source_from_feed_title(f.get("source"))
        return Article(
            id=article_id,
            title=str(f.get("title") or ""),
            body=tuple(parsed.body),
            language=lang_match.group(1).lower() if lang_match else None,
            published=_timestamp(f.get("published")),
            modified=_timestamp(f.get("modified")),
            source=source or parsed.source,
            authors=tuple(dict.fromkeys(c.name for c in credits if c.role in ("author", "reporter"))),
            credits=tuple(credits),
            url=url or parsed.url,
            dateline=parsed.dateline,
            removed=tuple(parsed.removed),
            provenance=Provenance(
                path=doc.path, record=doc.record, reader=doc.reader, parser=self.name, url=url,
                sha1=hashlib.sha1(json.dumps(f, sort_keys=True, default=str).encode()).hexdigest(),
            ),
            extras={"feed": {k: v for k, v in extras_feed.items() if v}},
        )
