"""The parse stage: input units of one shard to cleaned articles, plus the
per-article data later stages need (dedup signatures and keys, event features)."""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from ..dedup.base import Meta
from ..errors import DocumentError
from ..ids import stable_id
from ..language import identify_with
from ..models import Article
from ..progress import TaskProgress, file_size, offsets_are_positions, unit_bytes
from ..readers.base import InputUnit, RawDocument
from ..runtime import Runtime
from ..serialize import article_to_dict
from ..workdir import AtomicWriter
from .dedup import DedupShardWriter

__all__ = ["quarantine_record", "run_parse"]

#: How much of a bad document is kept in ``quarantine.jsonl`` to show what it was.
SAMPLE_CHARS = 200


def quarantine_record(path: str, record: int | str, stage: str, component: str,
                      reason: str, detail: str, sample: bytes | str | None = None) -> dict[str, Any]:
    """One line of ``quarantine.jsonl``: which file, which record, what is wrong."""
    if isinstance(sample, bytes):
        sample = sample[:SAMPLE_CHARS].decode("utf-8", "replace")
    return {
        "path": path, "record": record, "stage": stage, "component": component,
        "reason": reason, "detail": detail, "sample": (sample or "")[:SAMPLE_CHARS],
    }


def _language_text(article: Article) -> str:
    return "\n".join((article.title, article.subtitle, *article.body[:8]))


def _identify_batch(rt: Runtime, articles: list[Article], quarantine: Any = None) -> list[Article]:
    """``articles`` with the language the plugins name for those that have none, asked
    as one batch (see :func:`newscorpus.language.identify_with`). If the batch call
    raises, each article is asked alone and one that still fails is quarantined
    (``language-error``) when ``quarantine`` is given, else the error propagates."""
    if not rt.config.read.language:
        return articles
    todo = [i for i, a in enumerate(articles) if not a.language]
    if not todo:
        return articles
    pm = rt.registry.pm
    try:
        codes = identify_with(pm, [_language_text(articles[i]) for i in todo])
    except Exception:  # a plugin bug must cost its own articles only: find them one by one
        if quarantine is None:
            raise
        kept: list[Article] = []
        for article in articles:
            try:
                kept += _identify_batch(rt, [article])
            except Exception as exc:
                quarantine(quarantine_record(article.provenance.path, article.provenance.record, "parse",
                                             "language", "language-error", f"{type(exc).__name__}: {exc}",
                                             article.full_text))
        return kept
    out = list(articles)
    for i, code in zip(todo, codes, strict=True):
        if code:
            out[i] = attrs.evolve(out[i], language=code)
    return out


def run_parse(rt: Runtime, shard: int) -> dict[str, Any]:
    """Run parse task ``shard``; return its counters."""
    assert rt.plan is not None
    work = rt.work
    articles_out = AtomicWriter(work.path("parse", f"{shard:05d}.articles.jsonl"))
    quarantine_out = AtomicWriter(work.path("parse", f"{shard:05d}.quarantine.jsonl"))
    features_out = AtomicWriter(work.path("events", "features", f"{shard:05d}.jsonl")) if rt.event_builder else None
    dedup_out = DedupShardWriter(rt, shard)
    stats: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    removals: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    batch: list[Article] = []
    pos = 0
    live = TaskProgress(work.path("progress", "parse", f"{shard:05d}.json"))  # read by the progress bar

    def quarantine(rec: dict[str, Any]) -> None:
        quarantine_out.write_json(rec)
        reasons[rec["reason"]] += 1
        stats["quarantined"] += 1

    def flush() -> None:
        nonlocal pos
        for article in _clean(rt, _identify_batch(rt, batch, quarantine), quarantine):
            meta = Meta.of(article, shard, pos)
            articles_out.write_json(article_to_dict(article))
            dedup_out.add(article, meta)
            if features_out is not None and rt.event_builder is not None:
                features_out.write_json({"meta": attrs.asdict(meta), "f": rt.event_builder.features(article)})
            stats["articles"] += 1
            languages[article.language or "und"] += 1
            removals.update(r.rule for r in article.removed)
            flags.update(f.name for f in article.flags)
            pos += 1
        batch.clear()

    try:
        for unit in rt.plan.shards[shard]:
            size = unit_bytes(unit.start, unit.end, file_size(unit.path))
            positions = offsets_are_positions(unit.path)
            for doc in _read_unit(rt, unit):
                stats["documents"] += 1
                if positions and isinstance(doc.record, int):
                    live.at(doc.record - unit.start, size)
                live.add(documents=1)
                article = _parse_one(rt, doc, quarantine)
                if article is None:
                    continue
                batch.append(article)
                if len(batch) >= rt.config.execution.batch_size:
                    flush()
            live.add(nbytes=size)
        flush()
    except BaseException:
        for w in (articles_out, quarantine_out, features_out):
            if w is not None:
                w.abort()
        dedup_out.abort()
        raise
    for w in (articles_out, quarantine_out, features_out):
        if w is not None:
            w.commit()
    dedup_out.commit()
    return {
        **stats,
        "quarantine_reasons": dict(reasons),
        "removals": dict(removals),
        "flags": dict(flags),
        "languages": dict(languages),
    }


def _read_unit(rt: Runtime, unit: InputUnit) -> Iterator[RawDocument]:
    """The documents of ``unit``; what a reader raises (a bug, or input it did not
    foresee) becomes one more quarantined document instead of stopping the run.
    The records the reader yielded before it are kept; the rest of the unit is
    lost and the quarantine record says from where."""
    reader = rt.reader_for(unit.path)
    last: int | str = unit.start
    try:
        for doc in reader.read(unit):
            last = doc.record
            yield doc
    except Exception as exc:  # isolation is the point: any reader bug costs one record
        detail = (f"the reader failed after record {last} ({type(exc).__name__}: {str(exc)[:300]}); "
                  f"the rest of {unit.relpath} from there was not read")
        yield RawDocument(unit.path, f"{last}+", f"{unit.relpath}#{last}+", reader.name,
                          error=DocumentError("reader-error", detail))


def _check_text(article: Article) -> None:
    """Refuse an article whose text is not valid Unicode (a lone surrogate from a
    ``\\ud800`` escape or a ``&#xD800;`` reference): it could not be written as UTF-8."""
    for name, value in (("title", article.title), ("subtitle", article.subtitle), ("body", article.full_text),
                        ("source", article.source or ""), ("url", article.url or ""),
                        ("authors", "".join(article.authors))):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise DocumentError("invalid-unicode", f"the {name} holds a lone surrogate "
                                f"(U+{ord(value[exc.start]):04X} at character {exc.start}), not valid Unicode text"
                                ) from None


def _parse_one(rt: Runtime, doc: RawDocument, quarantine: Any) -> Article | None:
    if doc.error is not None:
        quarantine(quarantine_record(doc.path, doc.record, "read", doc.reader, doc.error.reason,
                                     doc.error.detail, doc.data))
        return None
    parser = rt.parsers.get(doc.media_type)
    if parser is None:
        quarantine(quarantine_record(doc.path, doc.record, "parse", "", "no-parser",
                                     f"no parser handles media type {doc.media_type!r}", doc.data))
        return None
    try:
        article = parser.parse(doc, stable_id(doc.key))
        _check_text(article)
        return article  # its language is identified with its batch, in flush()
    except DocumentError as exc:
        quarantine(quarantine_record(doc.path, doc.record, "parse", parser.name, exc.reason, exc.detail, doc.data))
    except RecursionError:
        quarantine(quarantine_record(doc.path, doc.record, "parse", parser.name, "too-deep",
                                     "the document is nested too deeply to parse", doc.data))
    except Exception as exc:  # a parser bug must not stop the run: quarantine, keep the trace
        detail = f"{type(exc).__name__}: {exc} | {traceback.format_exc(limit=3)[-500:]}"
        quarantine(quarantine_record(doc.path, doc.record, "parse", parser.name, "parser-error", detail, doc.data))
    return None


def _clean(rt: Runtime, batch: list[Article], quarantine: Any) -> Iterable[Article]:
    articles = list(batch)
    for cleaner in rt.cleaners:
        try:
            articles = cleaner.clean_batch(articles)
        except Exception:
            # Find the article that breaks the cleaner; the rest of the batch goes on.
            kept = []
            for article in articles:
                try:
                    kept.append(cleaner.clean(article))
                except Exception as exc:
                    quarantine(quarantine_record(
                        article.provenance.path, article.provenance.record, "clean", cleaner.name,
                        "cleaner-error", f"{type(exc).__name__}: {exc}", article.full_text))
            articles = kept
    return articles
