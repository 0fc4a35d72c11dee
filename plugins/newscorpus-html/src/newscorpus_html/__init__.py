"""HTML news pages for newscorpus: a reader for saved pages and a parser built on
trafilatura (main text) and htmldate (dates), with the page's own metadata
declarations read first.

Installed as a plugin through the ``newscorpus`` entry-point group; nothing needs
importing by hand. The classes are importable for direct use::

    from newscorpus_html import HtmlParser
"""

from .metadata import PageMeta, read_page_meta
from .parser import HtmlParser, decode_page
from .reader import HtmlReader, read_bounded

__all__ = ["HtmlParser", "HtmlReader", "PageMeta", "decode_page", "read_bounded", "read_page_meta"]
__version__ = "0.1.0"
