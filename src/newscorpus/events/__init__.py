"""Event builders: group articles that report the same real-world happening.

Add a builder: subclass :class:`EventBuilder`, then register it from a plugin's
``register_event_builders`` hook (see ``docs/plugins.md``).
"""

from .base import EventBuilder, EventItem, OrderedItems, publication_order

__all__ = ["EventBuilder", "EventItem", "OrderedItems", "publication_order"]
