"""WARC files (Common Crawl CC-NEWS and any crawler's) for newscorpus.

The ``warc`` reader streams HTML response records with ``WARC-Target-URI`` and
``WARC-Date`` as provenance; install ``newscorpus-html`` to parse them.
"""

from .reader import WarcReader

__all__ = ["WarcReader"]
__version__ = "0.1.0"
