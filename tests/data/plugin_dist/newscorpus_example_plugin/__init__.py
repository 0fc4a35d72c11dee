"""A third-party plugin used by the tests: a cleaner that drops "ADVERTISEMENT"
lines and an exporter that writes the article count, registered through the
same hooks as the built-ins."""

from __future__ import annotations

from pathlib import Path

from newscorpus import hookimpl
from newscorpus.cleaners import Cleaner, Cut, apply_cuts
from newscorpus.exporters import ExportContext, Exporter
from newscorpus.models import Article


class AdvertCleaner(Cleaner):
    name = "example-adverts"

    def clean(self, article: Article) -> Article:
        cuts = [Cut("body", i, "example.advert", "an advertisement marker")
                for i, p in enumerate(article.body) if p.strip().upper() == "ADVERTISEMENT"]
        return apply_cuts(article, cuts, self.name)


class CountExporter(Exporter):
    name = "example-count"

    def export(self, ctx: ExportContext) -> list[Path]:
        path = ctx.path(self.options.get("file", "count.txt"))
        path.write_text(str(sum(1 for _ in ctx.articles())))
        return [path]


@hookimpl
def register_cleaners(register):  # type: ignore[no-untyped-def]
    register(AdvertCleaner)


@hookimpl
def register_exporters(register):  # type: ignore[no-untyped-def]
    register(CountExporter)
