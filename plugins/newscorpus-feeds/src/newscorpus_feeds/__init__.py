"""RSS, Atom, JSON Feed and news sitemaps for newscorpus.

The ``feed`` reader turns every item of a feed (or entry of a sitemap) into a
record; the ``feed-item`` parser makes it an Article when it carries the article
text, and quarantines it as ``needs-fetch`` (naming its URL) when it carries only
a link. Fetching those pages is optional and off by default.
"""

from .fetch import Fetched, Fetcher, FetchError
from .htmltext import fragment_paragraphs
from .items import ITEM_MEDIA_TYPE, has_text
from .parser import FeedItemParser
from .reader import FeedReader, mark_bad_references, sniff

__all__ = [
    "ITEM_MEDIA_TYPE",
    "FeedItemParser",
    "FeedReader",
    "FetchError",
    "Fetched",
    "Fetcher",
    "fragment_paragraphs",
    "has_text",
    "mark_bad_references",
    "sniff",
]
__version__ = "0.1.0"
