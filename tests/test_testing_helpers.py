"""newscorpus.testing: the strategies build valid inputs, the built-in components pass
the contract checks, and broken components (a cleaner that loses a paragraph or is not
idempotent, an exporter that writes outside its directory, ...) are caught."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from newscorpus.cleaners import Cleaner, Cut, apply_cuts
from newscorpus.cleaners.packs import builtin_pack_paths, load_packs
from newscorpus.cleaners.plugin import BUILTIN_CLEANERS
from newscorpus.errors import DocumentError
from newscorpus.exporters import ExportContext, Exporter
from newscorpus.exporters.jsonl import JsonlExporter
from newscorpus.models import Article, Event, EventDate, Provenance
from newscorpus.options import option
from newscorpus.parsers import Parser, provenance_of
from newscorpus.parsers.plaintext import PlainTextParser
from newscorpus.parsers.record import RecordParser
from newscorpus.plugins import get_registry
from newscorpus.readers import InputUnit, Limits, RawDocument, Reader
from newscorpus.readers.jsonl import RECORD_MEDIA_TYPE, JsonlReader
from newscorpus.readers.text import TextReader
from newscorpus.serialize import article_from_json, article_to_json
from newscorpus.testing import (
    articles,
    check_cleaner,
    check_exporter,
    check_options,
    check_parser,
    check_reader,
    events,
    paragraphs,
    raw_documents,
)

LANGS = ("en", "id", "ms")
#: The built-in rule packs' examples: what articles() mixes in for cleaners to cut.
BOILERPLATE = {ex.strip() for p in load_packs([(p, "t") for p in builtin_pack_paths()]) for r in p.rules
               for ex in r.examples}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ARTICLE = Article(id="a1", provenance=Provenance("in.txt"), title="Harbour reopens",
                  body=("Fishing boats returned on Monday.", "The port said repairs took a month.",
                        "Officials will meet residents on Friday."), language="en")


# -- strategies --------------------------------------------------------------------------------------


@FAST
@given(articles())
def test_generated_articles_are_valid_and_serialise(article: Article) -> None:
    # Article's own validators ran; the JSON form reads back equal.
    assert all(p and p == p.strip() and "\n\n" not in p for p in article.body)
    assert article_from_json(article_to_json(article)) == article
    assert article.language in (None, "en", "id", "ms")


def test_generated_articles_cover_what_cleaners_meet() -> None:
    seen: set[str] = set()
    features = {
        "empty": lambda a: not a.body and not a.title,
        "odd unicode": lambda a: any(not c.isascii() for p in a.body for c in p),
        "two-line paragraph": lambda a: any("\n" in p for p in a.body),
        "lede printed twice": lambda a: len(a.body) > 2 and a.body[0] in a.body[1:],
        "boilerplate": lambda a: any(p in BOILERPLATE for p in a.body),
        "a date": lambda a: a.published is not None and a.published.precision == "day",
        "a datetime": lambda a: a.published is not None and a.published.precision == "second",
        "no date": lambda a: a.published is None,
        "url and parser removal": lambda a: a.url is not None and bool(a.removed),
        **{f"text in {lang}": lambda a, lang=lang: a.language == lang and len(a.body) > 1 for lang in LANGS},
    }

    @settings(max_examples=300, database=None, deadline=None)
    @given(articles())
    def sample(article: Article) -> None:
        seen.update(name for name, has in features.items() if has(article))

    sample()
    assert seen == set(features)


@FAST
@given(paragraphs())
def test_paragraphs_are_valid_body_paragraphs(paragraph: str) -> None:
    Article(id="p", provenance=Provenance("p"), body=(paragraph,))


@FAST
@given(st.sampled_from(["text/plain", "text/html", RECORD_MEDIA_TYPE, "application/x-other"]).flatmap(raw_documents))
def test_raw_documents_are_what_readers_yield(doc: RawDocument) -> None:
    assert doc.key == f"{doc.path.rsplit('/', 1)[-1]}#{doc.record}" and doc.error is None
    if doc.media_type == RECORD_MEDIA_TYPE:
        assert doc.data is None and isinstance(doc.fields, dict)
    else:
        assert isinstance(doc.data, bytes)


def test_raw_documents_take_a_plugins_own_fields() -> None:
    strategy = raw_documents("application/x-mine", fields=st.fixed_dictionaries({"k": st.just(1)}),
                             data=st.just(b"x"))
    doc = find(strategy, lambda d: True)
    assert (doc.media_type, doc.fields, doc.data) == ("application/x-mine", {"k": 1}, b"x")


@FAST
@given(st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=5, unique=True).flatmap(
    lambda ids: st.tuples(st.just(ids), events(ids))))
def test_events_group_the_ids_given(case: tuple[list[str], Any]) -> None:
    ids, event = case
    assert event.article_ids and set(event.article_ids) <= set(ids)


def test_a_missing_hypothesis_is_named_with_the_extra_to_install() -> None:
    code = ("import sys; sys.modules['hypothesis'] = None\n"
            "try:\n    import newscorpus.testing\nexcept ImportError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "pip install 'newscorpus[testing]'" in out.stdout, out.stdout + out.stderr


# -- cleaners ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", BUILTIN_CLEANERS, ids=lambda c: c.name)
def test_every_builtin_cleaner_keeps_the_contract(cls: type[Cleaner]) -> None:
    cleaned = check_cleaner(cls, max_examples=25)
    assert cleaned and all(isinstance(a, Article) for a in cleaned)


def test_check_cleaner_returns_the_cleaned_articles() -> None:
    body = (*ARTICLE.body, "ADVERTISEMENT")
    (out,) = check_cleaner(AdvertCleaner(), [attrs.evolve(ARTICLE, body=body)])
    assert out.body == ARTICLE.body and [r.rule for r in out.removed] == ["adverts.marker"]


class AdvertCleaner(Cleaner):
    """A correct cleaner: cuts ``ADVERTISEMENT`` lines through apply_cuts."""

    name = "adverts"

    def clean(self, article: Article) -> Article:
        cuts = [Cut("body", i, "adverts.marker", "an advertisement marker") for i, p in enumerate(article.body)
                if p.upper() == "ADVERTISEMENT"]
        return apply_cuts(article, cuts, self.name)


class LosesLastParagraph(Cleaner):
    """Broken: drops the last paragraph of a long body without a Removal."""

    name = "loses"

    def clean(self, article: Article) -> Article:
        return attrs.evolve(article, body=article.body[:-1]) if len(article.body) > 2 else article


class CutsTheLede(Cleaner):
    """Broken: records its cut, but cuts the first paragraph on every call."""

    name = "lede-cutter"

    def clean(self, article: Article) -> Article:
        return apply_cuts(article, [Cut("body", 0, "lede.always")], self.name) if len(article.body) > 1 else article


class Lowercases(Cleaner):
    """Broken: rewrites kept text."""

    name = "lower"

    def clean(self, article: Article) -> Article:
        return attrs.evolve(article, body=tuple(p.lower() for p in article.body))


class WrongPlugin(Cleaner):
    """Broken: its removals name another component."""

    name = "mine"

    def clean(self, article: Article) -> Article:
        cuts = [Cut("body", i, "x.y") for i, p in enumerate(article.body) if p == "ADVERTISEMENT"]
        return apply_cuts(article, cuts, "someone-else")


class Crashes(Cleaner):
    """Broken: a KeyError on articles without a URL."""

    name = "crash"

    def clean(self, article: Article) -> Article:
        return article if article.url else {}["url"]  # type: ignore[no-any-return]


class BatchDiffers(AdvertCleaner):
    """Broken: clean_batch forgets to clean."""

    name = "batch"

    def clean_batch(self, articles: Sequence[Article]) -> list[Article]:
        return list(articles)


class MutatesExtras(Cleaner):
    """Broken: writes into the input's extras."""

    name = "mutates"

    def clean(self, article: Article) -> Article:
        article.extras["seen"] = True
        return article


class Refuses(Cleaner):
    """Correct: refuses articles without a title with DocumentError."""

    name = "refuses"

    def clean(self, article: Article) -> Article:
        if not article.title:
            raise DocumentError("no-title", "untitled")
        return article


ADVERT = attrs.evolve(ARTICLE, body=(*ARTICLE.body, "ADVERTISEMENT"))


@pytest.mark.parametrize(("cleaner", "message"), [
    (LosesLastParagraph, "lost or rewrote text"),
    (CutsTheLede, "not idempotent"),
    (Lowercases, "lost or rewrote text"),
    (Crashes, "raised KeyError"),
    (MutatesExtras, "changed its input in place"),
])
def test_broken_cleaners_are_caught_on_generated_articles(cleaner: type[Cleaner], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_cleaner(cleaner, max_examples=100)


@pytest.mark.parametrize(("cleaner", "message"), [
    (LosesLastParagraph, "missing: 'ADVERTISEMENT'; not in the input: none"),
    (CutsTheLede, "not idempotent"),
    (WrongPlugin, "names rule 'x.y' and plugin 'someone-else'"),
    (BatchDiffers, "clean_batch of 1 articles differs"),
])
def test_broken_cleaners_are_caught_on_given_articles(cleaner: type[Cleaner], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_cleaner(cleaner, [ADVERT])


def test_a_refused_article_is_left_out_not_failed() -> None:
    assert check_cleaner(Refuses, [ARTICLE, attrs.evolve(ARTICLE, title="")]) == [ARTICLE]


def test_check_cleaner_wants_a_cleaner() -> None:
    with pytest.raises(AssertionError, match="not a subclass of Cleaner"):
        check_cleaner(JsonlExporter, [ARTICLE])  # type: ignore[arg-type]


# -- parsers -----------------------------------------------------------------------------------------


def test_the_builtin_parsers_keep_the_contract() -> None:
    results = check_parser(PlainTextParser, max_examples=80)
    assert any(isinstance(r, Article) for r in results) and any(isinstance(r, DocumentError) for r in results)
    # Records with NaN in unmapped columns included: the parser writes them into
    # extras.record as null with a sanitised_json flag, so the article reads back equal.
    records = raw_documents(RECORD_MEDIA_TYPE)
    assert any(isinstance(r, Article) for r in check_parser(RecordParser, records, max_examples=80))


def test_nan_in_an_unmapped_column_is_null_and_flagged() -> None:
    doc = RawDocument("/in/a.jsonl", 0, "a.jsonl#0", "jsonl", RECORD_MEDIA_TYPE,
                      fields={"title": "Harbour reopens", "body": "The harbour reopened on Monday.",
                              "score": float("nan"), "rank": [1, float("inf")]})
    (article,) = check_parser(RecordParser, [doc])
    assert isinstance(article, Article)
    assert article.extras["record"] == {"score": None, "rank": [1, None]}
    (flag,) = [f for f in article.flags if f.name == "sanitised_json"]
    assert flag.plugin == "record" and "non-finite-number x2" in flag.detail


def _doc(data: bytes = b"Title\n\nA paragraph of text.\n") -> RawDocument:
    return RawDocument("/in/a.txt", 0, "a.txt#0", "text", "text/plain", data)


class GoodParser(Parser):
    """Correct: the first line is the title, the rest the body."""

    name = "good"
    media_types = ("text/plain",)

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        text = (doc.data or b"").decode("utf-8", "replace")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            raise DocumentError("empty", "no text")
        for line in lines:
            if len(line) > self.limits.max_line_chars:
                raise DocumentError("line-too-long", "a long line")
        return Article(id=article_id, provenance=provenance_of(doc, self.name), title=lines[0], body=lines[1:])


class CrashesOnEmpty(GoodParser):
    name = "crash-empty"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        if not doc.data:
            raise ValueError("nothing to parse")
        return super().parse(doc, article_id)


class OwnId(GoodParser):
    name = "own-id"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        return attrs.evolve(super().parse(doc, article_id), id="mine")


class NoProvenance(GoodParser):
    name = "no-provenance"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        return attrs.evolve(super().parse(doc, article_id), provenance=Provenance(doc.path))


class TupleExtras(GoodParser):
    name = "tuple-extras"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        return attrs.evolve(super().parse(doc, article_id), extras={"mine": {"pair": (1, 2)}})


class NanExtras(GoodParser):
    name = "nan-extras"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        return attrs.evolve(super().parse(doc, article_id), extras={"mine": {"score": float("nan")}})


class Counts(GoodParser):
    name = "counts"
    calls = 0

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        Counts.calls += 1
        return attrs.evolve(super().parse(doc, article_id), extras={"mine": {"call": Counts.calls}})


class KeepsLongLines(GoodParser):
    name = "long-lines"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        text = (doc.data or b"").decode()
        return Article(id=article_id, provenance=provenance_of(doc, self.name), body=[text.strip()])


class LoneSurrogate(GoodParser):
    name = "surrogate"

    def parse(self, doc: RawDocument, article_id: str) -> Article:
        return attrs.evolve(super().parse(doc, article_id), title="broken \ud800 title")


def test_a_lone_surrogate_in_the_text_is_refused_as_a_run_refuses_it() -> None:
    (refused,) = check_parser(LoneSurrogate, [_doc()])
    assert isinstance(refused, DocumentError) and refused.reason == "invalid-unicode"


def test_a_correct_parser_passes_on_generated_documents() -> None:
    results = check_parser(GoodParser, max_examples=80)
    assert any(isinstance(r, Article) for r in results)


@pytest.mark.parametrize(("parser", "docs", "message"), [
    (CrashesOnEmpty, None, "raised ValueError: nothing to parse"),
    (OwnId, [_doc()], "returned id 'mine'"),
    (NoProvenance, [_doc()], "provenance"),
    (TupleExtras, [_doc()], r"changes through its JSON form \(fields \['extras'\]\)"),
    (NanExtras, [_doc()], r"cannot be written as JSON as it is \(\{'non-finite-number': 1\}\)"),
    (Counts, [_doc()], "parsing the same document twice gave different articles"),
    (KeepsLongLines(Limits(max_line_chars=10)), [_doc(b"x" * 20)], "over limits.max_line_chars"),
])
def test_broken_parsers_are_caught(parser: Any, docs: list[RawDocument] | None, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_parser(parser, docs, max_examples=100)


# -- readers -----------------------------------------------------------------------------------------


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "dump.jsonl"
    lines = [f'{{"title": "T{i}", "body": "Text number {i}."}}' for i in range(40)]
    lines[7] = '{"title": "broken'  # a broken record: yielded with an error
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_builtin_readers_keep_the_contract(jsonl: Path, tmp_path: Path) -> None:
    docs = check_reader(JsonlReader, jsonl)  # splittable: the byte ranges are read too
    assert len(docs) == 40 and docs[7].error is not None
    text = tmp_path / "story.txt"
    text.write_text("A title\n\nA paragraph.\n", encoding="utf-8")
    (doc,) = check_reader(TextReader(), InputUnit(str(text), str(tmp_path)))
    assert doc.key == "story.txt#0"


class LineReader(Reader):
    """Correct: one document per line."""

    name = "lines"
    patterns = ("*.lines",)

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        with open(unit.path, "rb") as fh:
            for i, line in enumerate(fh):
                yield RawDocument(unit.path, i, f"{unit.relpath}#{i}", self.name, "text/plain", line)


class RaisesMidway(LineReader):
    name = "raises"

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        for doc in super().read(unit):
            if doc.record == 2:
                raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad byte")
            yield doc


class SameKey(LineReader):
    name = "same-key"

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        for doc in super().read(unit):
            yield attrs.evolve(doc, key=f"{unit.relpath}#0")


class AbsoluteKey(LineReader):
    name = "absolute-key"

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        for doc in super().read(unit):
            yield attrs.evolve(doc, key=f"{unit.path}#{doc.record}")


class StringError(LineReader):
    name = "string-error"

    def read(self, unit: InputUnit) -> Iterator[RawDocument]:
        for doc in super().read(unit):
            yield attrs.evolve(doc, error="broken") if doc.record == 1 else doc  # type: ignore[arg-type]


class Oversized(LineReader):
    name = "oversized"


class BadSplit(LineReader):
    """Broken: claims to split, but every range reads the whole file."""

    name = "bad-split"
    splittable = True

    @staticmethod
    def split(path: str, target_bytes: int) -> list[tuple[int, int | None]]:
        return [(0, 10), (10, None)]


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    path = tmp_path / "in.lines"
    path.write_bytes(b"".join(b"line %d of the file\n" % i for i in range(5)))
    return path


def test_a_correct_reader_passes(lines: Path) -> None:
    assert [d.key for d in check_reader(LineReader, lines)] == [f"in.lines#{i}" for i in range(5)]


@pytest.mark.parametrize(("reader", "message"), [
    (RaisesMidway, "raised UnicodeDecodeError.*after 2 document"),
    (SameKey, "share the key 'in.lines#0'"),
    (AbsoluteKey, "does not start with the input-relative path"),
    (StringError, "errors are DocumentError"),
    (Oversized(Limits(max_document_bytes=4)), "over limits.max_document_bytes"),
    (BadSplit, "byte ranges of split"),
])
def test_broken_readers_are_caught(lines: Path, reader: Any, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_reader(reader, lines)


# -- exporters ---------------------------------------------------------------------------------------

ARTICLES = [attrs.evolve(ARTICLE, id=f"a{i}") for i in range(3)]


def test_the_jsonl_exporter_keeps_the_contract() -> None:
    assert check_exporter(JsonlExporter, ARTICLES) == ["articles.jsonl", "duplicates.jsonl", "events.jsonl"]


@settings(max_examples=15, deadline=None)
@given(st.lists(articles(), max_size=6, unique_by=lambda a: a.id), st.data())
def test_the_jsonl_exporter_on_generated_corpora(arts: list[Article], data: st.DataObject) -> None:
    evs = data.draw(st.lists(events([a.id for a in arts]), max_size=3, unique_by=lambda e: e.id)) if arts else []
    assert "out/articles.jsonl" in check_exporter(JsonlExporter(articles="out/articles.jsonl"), arts, evs)


class WritesOutside(Exporter):
    """Broken: writes a file next to the output directory."""

    name = "outside"

    def export(self, ctx: ExportContext) -> list[Path]:
        (ctx.output_dir.parent / "escape.txt").write_text("x", encoding="utf-8")
        return []


class WritesOutsideFromAChild(Exporter):
    """Broken, and out of the audit hook's sight: a child process writes next to the output."""

    name = "child"

    def export(self, ctx: ExportContext) -> list[Path]:
        target = ctx.output_dir.parent / "sibling" / "child.txt"
        subprocess.run([sys.executable, "-c", f"open({str(target)!r}, 'w').write('x')"], check=True, timeout=60)
        return []


class WritesToTheTempFolder(Exporter):
    name = "tempfile"

    def export(self, ctx: ExportContext) -> list[Path]:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "scratch").write_text("x", encoding="utf-8")
        return []


class WritesInPlace(Exporter):
    """Broken: writes its file under the final name (a failure leaves it truncated)."""

    name = "in-place"

    def export(self, ctx: ExportContext) -> list[Path]:
        path = ctx.path("count.txt")
        path.write_text(str(sum(1 for _ in ctx.articles())), encoding="utf-8")
        return [path]


class ForgetsToCommit(Exporter):
    name = "no-commit"

    def export(self, ctx: ExportContext) -> list[Path]:
        final, tmp = ctx.temp("table.bin")
        tmp.write_bytes(b"x")
        return [final]


class ForgetsAFile(Exporter):
    name = "unlisted"

    def export(self, ctx: ExportContext) -> list[Path]:
        for name in ("a.txt", "b.txt"):
            with ctx.open(name) as fh:
                fh.write(b"x")
        return [ctx.path("a.txt")]


class ReturnsElsewhere(Exporter):
    name = "elsewhere"

    def export(self, ctx: ExportContext) -> list[Path]:
        return [Path(sys.executable)]


@pytest.mark.parametrize(("exporter", "message"), [
    (WritesOutside, r"opened for writing .*escape\.txt, outside the output directory"),
    (WritesOutsideFromAChild, r"changed next to it"),
    (WritesToTheTempFolder, "outside the output directory"),
    (WritesInPlace, "count.txt under its final name"),
    (ForgetsToCommit, r"left temporary files behind: \['table.bin.tmp-"),
    (ForgetsAFile, r"wrote \['b.txt'\] but did not return them"),
    (ReturnsElsewhere, "not inside the output directory"),
])
def test_broken_exporters_are_caught(exporter: type[Exporter], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_exporter(exporter, ARTICLES)


def test_a_cache_folder_can_be_allowed(tmp_path: Path) -> None:
    class Caches(Exporter):
        name = "caches"

        def export(self, ctx: ExportContext) -> list[Path]:
            (tmp_path / "cache.bin").write_bytes(b"x")
            with ctx.open("out.txt") as fh:
                fh.write(b"x")
            return [ctx.path("out.txt")]

    with pytest.raises(AssertionError, match=r"cache\.bin, outside"):
        check_exporter(Caches, ARTICLES)
    assert check_exporter(Caches, ARTICLES, allow_writes_under=[tmp_path]) == ["out.txt"]


def test_the_timeline_exporter_keeps_the_contract_with_matplotlibs_caches_allowed() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    from newscorpus.exporters.timeline import TimelineExporter

    day = dt.date(2024, 3, 12)
    evs = [Event(id="e1", title="Harbour reopens", date=EventDate(day, day, "day", "explicit"),
                 article_ids=("a0", "a1"), languages=("en",), sources=("Antara",))]
    caches = [matplotlib.get_configdir(), matplotlib.get_cachedir()]
    files = check_exporter(TimelineExporter, ARTICLES, evs, allow_writes_under=caches)
    assert {"timeline.png", "timeline.html"} <= set(files)


def test_check_exporter_wants_unique_ids() -> None:
    with pytest.raises(ValueError, match="unique ids"):
        check_exporter(JsonlExporter, [ARTICLE, ARTICLE])


# -- options -----------------------------------------------------------------------------------------


def test_every_registered_component_declares_buildable_options() -> None:
    registry = get_registry()
    checked = 0
    for family in ("reader", "parser", "cleaner", "deduplicator", "event_builder", "exporter", "executor"):
        for name, cls in registry.items(family):
            if (family, name) in {("event_builder", "semantic"), ("executor", "ray")}:
                continue  # semantic needs a model path (no default builds); ray: see below
            check_options(cls)
            checked += 1
    assert checked >= 20


def test_the_ray_executor_builds_with_its_declared_defaults() -> None:
    """Found by check_options: the executor's own check refused its declared
    default ``memory: null``."""
    registry = get_registry()
    if "ray" not in registry.names("executor"):
        pytest.skip("newscorpus-ray is not installed")
    check_options(registry.get("executor", "ray"))


class NoOptions(Cleaner):
    name = "no-options"

    def clean(self, article: Article) -> Article:
        return article


class Undocumented(NoOptions):
    name = "undocumented"

    @attrs.frozen
    class Options:
        threshold: int = attrs.field(default=3)


class Required(NoOptions):
    name = "required"

    @attrs.frozen
    class Options:
        threshold: int = attrs.field(metadata={"doc": "How many."})


class RejectsItsOption(NoOptions):
    name = "rejects"

    @attrs.frozen
    class Options:
        threshold: int = option(3, "How many.")

    def __init__(self, *, rule_packs: Any = (), registered_packs: Any = ()) -> None:
        super().__init__()


class DeclaresLimits(GoodParser):
    name = "declares-limits"

    @attrs.frozen
    class Options:
        limits: int = option(3, "Not an option: the pipeline passes it.")


@pytest.mark.parametrize(("component", "message"), [
    (NoOptions, "declares no Options"),
    (Undocumented, r"options \['threshold'\] have no doc"),
    (Required, "Options\\(\\) with no arguments raised TypeError"),
    (RejectsItsOption, "does not build with its options at their defaults"),
    (DeclaresLimits, r"declares \['limits'\] as options"),
])
def test_broken_options_are_caught(component: type, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_options(component)
