"""HTML main-text extraction: newscorpus (trafilatura + markup rules + text cleaners)
against trafilatura alone, measured in the same run on the same pages.

Sets (paths under the benchmarks folder given as argument):

* ``article-extraction-benchmark`` (Zyte, 181 pages): 4-gram shingle precision and
  recall per page, averaged over pages, F1 of the averages -- the set's own
  evaluation method.
* ``trafilatura-eval`` (990 pages): must-include / must-exclude snippets, counted
  over all snippets (whitespace-normalised substring match) -- trafilatura's own
  evaluation method.
* ``fundus-parser-testdata`` (117 unambiguous publisher pages): shingle metric
  against Fundus's expected bodies, and metadata accuracy (title, authors,
  publication date) for trafilatura's metadata and for newscorpus's Article.

"trafilatura alone" is ``trafilatura.extract`` with the settings trafilatura's own
benchmark uses (``include_comments=False, include_tables=True,
include_formatting=False``). "newscorpus" is the ``html`` parser followed by language
identification and the default cleaners, built exactly as a pipeline run builds them.

Usage::

    python benchmarks/html_extraction.py [BENCHMARKS_DIR] [--workers 2] [--limit N] [--no-write]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, machine_line, table, write_section

_TOKEN = re.compile(r"\w+", re.UNICODE)
_WS = re.compile(r"\s+")

# -- metrics (the anchors' own definitions) ---------------------------------------------------


def shingle_counts(truth: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) over 4-gram shingles of ``\\w+`` tokens, as the Zyte
    benchmark counts them (each page weighs the same)."""

    def shingles(text: str) -> collections.Counter[tuple[str, ...]]:
        toks = _TOKEN.findall(text or "")
        return collections.Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)) if toks[i:i + n])

    a, b = shingles(truth), shingles(pred)
    tp = sum((a & b).values())
    fp = sum((b - a).values())
    fn = sum((a - b).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def shingle_prf(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision and recall over pages and the F1 of the means (Zyte's aggregation)."""

    def prec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def rec(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    ps = [prec(*c) for c in counts if c[0] + c[1] > 0]
    rs = [rec(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def snippet_counts(item: dict[str, Any], text: str) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn) of one trafilatura-eval page: ``with`` snippets found are
    true positives, ``without`` snippets found are false positives."""
    t = _norm(text)
    tp = sum(_norm(w) in t for w in item["with"])
    fp = sum(_norm(w) in t for w in item["without"])
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def snippet_prf(counts: Sequence[tuple[int, int, int, int]]) -> tuple[float, float, float]:
    """Precision, recall and F1 over all snippets."""
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# -- the systems ------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def _runtime() -> Any:
    """The html parser and default cleaners, built as a pipeline run builds them."""
    if "rt" not in _STATE:
        from newscorpus.config import PipelineConfig
        from newscorpus.plugins import get_registry
        from newscorpus.runtime import Runtime

        registry = get_registry()
        rt = Runtime(PipelineConfig(), Path(tempfile.mkdtemp(prefix="nc-html-bench-")), registry)
        _STATE["rt"] = rt
        _STATE["parser"] = rt.parsers["text/html"]
        _STATE["cleaners"] = rt.cleaners
    return _STATE["rt"]


def run_page(task: tuple[str, str, str | None, bool]) -> dict[str, Any]:
    """Extract one page with both systems; texts, metadata and timings."""
    import attrs
    import trafilatura

    from newscorpus.readers import RawDocument

    key, path, url, need_meta = task
    rt = _runtime()
    if path.endswith(".gz"):
        with gzip.open(path) as fh:
            html = fh.read()
    else:
        html = Path(path).read_bytes()
    out: dict[str, Any] = {"key": key}
    t0 = time.perf_counter()
    try:
        out["traf"] = trafilatura.extract(html, include_comments=False, include_tables=True,
                                          include_formatting=False) or ""
    except Exception as exc:  # count a crash as an empty output, as trafilatura's eval does
        out["traf"], out["traf_error"] = "", repr(exc)
    t1 = time.perf_counter()
    doc = RawDocument(path, 0, f"{key}#0", "html", media_type="text/html", data=html,
                      fields={"url": url} if url else {})
    parsed = cleaned = None
    try:
        parsed = _STATE["parser"].parse(doc, key)
        t2 = time.perf_counter()
        if parsed.language is None:
            text = "\n".join((parsed.title, parsed.subtitle, *parsed.body[:8]))
            lang = rt.registry.pm.hook.identify_language(text=text)
            parsed = attrs.evolve(parsed, language=lang) if lang else parsed
        cleaned = parsed
        for cleaner in _STATE["cleaners"]:
            cleaned = cleaner.clean_batch([cleaned])[0]
        t3 = time.perf_counter()
    except Exception as exc:
        out["nc_error"] = repr(exc)
        t2 = t3 = time.perf_counter()
    out["t_traf"], out["t_parse"], out["t_clean"] = t1 - t0, t2 - t1, t3 - t2
    out["parsed"] = _body_text(parsed)
    out["cleaned"] = _body_text(cleaned)
    if cleaned is not None:
        out["removed"] = collections.Counter(r.rule for r in cleaned.removed)
        out["meta"] = {
            "title": cleaned.title,
            "authors": list(cleaned.authors),
            "published": cleaned.published.isoformat() if cleaned.published else None,
            "published_signal": cleaned.published.signal if cleaned.published else None,
            "language": cleaned.language,
        }
    if need_meta:
        out["traf_meta"] = _traf_meta(html, url)
    return out


def _traf_meta(html: bytes, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return {}
    return {
        "title": doc.title or "",
        "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
        "published": doc.date,
    }


def _body_text(article: Any) -> str:
    """What the gold bodies hold: lede and body, not the headline."""
    if article is None:
        return ""
    return "\n\n".join(p for p in (article.subtitle, *article.body) if p)


# -- the sets ---------------------------------------------------------------------------------


def _gold_authors(value: Any) -> list[str]:
    """trafilatura-eval writes authors as a list or as one string joined by ';'."""
    items = value if isinstance(value, list) else str(value or "").split(";")
    return [a.strip() for a in items if isinstance(a, str) and a.strip()]


def load_sets(root: Path, limit: int | None) -> dict[str, list[dict[str, Any]]]:
    """Pages and gold of each set found under ``root``."""
    sets: dict[str, list[dict[str, Any]]] = {}
    zyte = root / "article-extraction-benchmark"
    if zyte.is_dir():
        gt = json.loads((zyte / "ground-truth.json").read_text(encoding="utf-8"))
        sets["zyte"] = [
            {"key": f"zyte:{k}", "path": str(zyte / "html" / f"{k}.html.gz"), "url": v.get("url"),
             "gold": v["articleBody"]}
            for k, v in sorted(gt.items())
        ]
    traf = root / "trafilatura-eval"
    if traf.is_dir():
        ev = json.loads((traf / "evaldata.json").read_text(encoding="utf-8"))
        sets["trafilatura"] = [
            {"key": f"traf:{i}", "path": str(traf / "html" / f"{v['file']}.gz"),
             "url": k if k.startswith("http") else None, "item": v,
             "meta": {"title": v.get("title"), "publishing_date": v.get("date"),
                      "authors": _gold_authors(v.get("author"))}}
            for i, (k, v) in enumerate(ev.items())
        ]
    fundus = root / "fundus-parser-testdata"
    if fundus.is_dir():
        rows = []
        for line in (fundus / "UNAMBIGUOUS_PAIRS.jsonl").read_text(encoding="utf-8").splitlines():
            pair = json.loads(line)
            gold = json.loads((fundus / pair["expected_json"]).read_text(encoding="utf-8"))[pair["version"]]
            body = gold.get("body") or {}
            paras = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                paras += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
            rows.append({"key": f"fundus:{pair['html_file']}", "path": str(fundus / pair["html_file"]),
                         "url": pair.get("url"), "gold": "\n\n".join(paras), "meta": gold})
        sets["fundus"] = rows
    if limit:
        sets = {k: v[:limit] for k, v in sets.items()}
    return sets


# -- metadata ----------------------------------------------------------------------------------


def _same_title(a: str | None, b: str | None) -> bool:
    return _norm(a or "") == _norm(b or "")


def _same_authors(a: Sequence[str], b: Sequence[str]) -> bool:
    return {_norm(x).casefold() for x in a} == {_norm(x).casefold() for x in b}


def _same_day(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and str(a)[:10] == str(b)[:10]


def metadata_rows(label: str, pages: list[dict[str, Any]], results: dict[str, dict[str, Any]],
                  *, all_pages: bool) -> list[list[Any]]:
    """Accuracy of title, authors and publication day against a set's gold.

    With ``all_pages`` every page counts (Fundus states every field, ``None`` when
    there is none); otherwise a field counts only on pages whose gold states it.
    """
    counts = {name: collections.Counter() for name in ("trafilatura", "newscorpus")}
    totals: collections.Counter[str] = collections.Counter()
    for page in pages:
        res = results.get(page["key"], {})
        gold = page["meta"]
        checks = {"title": gold.get("title"), "authors": gold.get("authors"), "date": gold.get("publishing_date")}
        for field, value in checks.items():
            if not all_pages and not value:
                continue
            totals[field] += 1
            for name, meta in (("trafilatura", res.get("traf_meta") or {}), ("newscorpus", res.get("meta") or {})):
                if field == "title":
                    counts[name][field] += _same_title(meta.get("title"), value)
                elif field == "authors":
                    counts[name][field] += _same_authors(meta.get("authors") or [], value or [])
                else:
                    counts[name][field] += _same_day(meta.get("published"), value)
    return [[label, name, *(f"{c[f] / totals[f]:.3f} ({totals[f]})" if totals[f] else "-"
                            for f in ("title", "authors", "date"))] for name, c in counts.items()]


# -- main ----------------------------------------------------------------------------------------


def bootstrap_diff(a: list[Any], b: list[Any], metric: Any, rounds: int = 1000) -> tuple[float, float]:
    """Mean and 95% interval half-width of F1(a) - F1(b) over page resamples."""
    rng = random.Random(0)
    n = len(a)
    diffs = []
    for _ in range(rounds):
        idx = [rng.randrange(n) for _ in range(n)]
        diffs.append(metric([a[i] for i in idx])[2] - metric([b[i] for i in idx])[2])
    mean = sum(diffs) / len(diffs)
    sd = (sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)) ** 0.5
    return mean, 1.96 * sd


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--limit", type=int, default=None, help="pages per set (quick runs)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not update docs")
    args = ap.parse_args(argv)
    sets = load_sets(Path(args.benchmarks), args.limit)
    if not sets:
        print(f"no benchmark sets found under {args.benchmarks}", file=sys.stderr)
        return 1
    tasks = [(p["key"], p["path"], p.get("url"), "meta" in p) for pages in sets.values() for p in pages]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = {r["key"]: r for r in pool.map(run_page, tasks, chunksize=4)}
    wall = time.perf_counter() - t0

    rows, notes = [], []
    removed_by_set: dict[str, collections.Counter[str]] = {}
    for name, pages in sets.items():
        res = [results[p["key"]] for p in pages]
        if name == "trafilatura":
            metric: Any = snippet_prf
            per = {s: [snippet_counts(p["item"], r[s]) for p, r in zip(pages, res, strict=True)]
                   for s in ("traf", "parsed", "cleaned")}
            method = "snippets"
        else:
            metric = shingle_prf
            per = {s: [shingle_counts(p["gold"], r[s]) for p, r in zip(pages, res, strict=True)]
                   for s in ("traf", "parsed", "cleaned")}
            method = "4-gram shingles"
        base = metric(per["traf"])
        t_traf = sum(r["t_traf"] for r in res)
        t_nc = sum(r["t_parse"] + r["t_clean"] for r in res)
        for label, system, secs in (
            ("trafilatura alone", "traf", t_traf),
            ("newscorpus html parser (no cleaners)", "parsed", sum(r["t_parse"] for r in res)),
            ("newscorpus (parser + cleaners)", "cleaned", t_nc),
        ):
            p, r, f = metric(per[system])
            rows.append([name, len(pages), method, label, p, r, f, r / base[1] if base[1] else 0.0,
                         len(pages) / secs if secs else 0.0])
        if method != "snippets":
            mean, ci = bootstrap_diff(per["cleaned"], per["traf"], metric)
            notes.append(f"{name}: F1(newscorpus) - F1(trafilatura) = {mean:+.3f} ± {ci:.3f} (95% bootstrap)")
        removed_by_set[name] = sum((collections.Counter(r.get("removed") or {}) for r in res), collections.Counter())
        errors = sum(1 for r in res if "nc_error" in r)
        if errors:
            notes.append(f"{name}: {errors} page(s) quarantined by newscorpus (counted as empty output)")

    headers = ["set", "pages", "metric", "system", "precision", "recall", "F1", "recall vs trafilatura",
               "pages/s per core"]
    md = [
        "## HTML main-text extraction (`benchmarks/html_extraction.py`)",
        "",
        "newscorpus = `newscorpus-html` parser (trafilatura + markup rules) → language id → default "
        "cleaners, built as `newscorpus run` builds them; trafilatura alone = `trafilatura.extract` with "
        "the settings of trafilatura's own benchmark. Same pages, same run. Zyte and Fundus: per-page "
        "4-gram shingle P/R averaged over pages (the Zyte benchmark's method); trafilatura-eval: "
        "must-include / must-exclude snippets over all pages (trafilatura's method).",
        "",
        table(headers, rows),
        "",
        *[f"- {n}" for n in notes],
        f"- wall time {wall:.1f} s for {len(tasks)} pages with {args.workers} worker(s); pages/s per core "
        "is pages ÷ summed per-page time of that system.",
        "",
        machine_line(["trafilatura", "htmldate", "newscorpus-html"]),
    ]
    rule_rows = []
    for name, counter in removed_by_set.items():
        for rule, count in counter.most_common(12):
            rule_rows.append([name, rule, count])
    if rule_rows:
        md += ["", "Lines taken out by newscorpus (top rules per set):", "",
               table(["set", "rule", "lines"], rule_rows)]
    meta_md: list[str] = []
    mrows = []
    if "fundus" in sets:
        mrows += metadata_rows("fundus", sets["fundus"], results, all_pages=True)
    if "trafilatura" in sets:
        mrows += metadata_rows("trafilatura-eval", sets["trafilatura"], results, all_pages=False)
    if mrows:
        meta_md = [
            "## HTML metadata (`benchmarks/html_extraction.py`)",
            "",
            "Title equal after whitespace normalisation, author set equal (case-insensitive), publication "
            "date on the same day; in brackets the pages whose gold states the field. Fundus's expectations "
            "come from its hand-written per-publisher parsers; trafilatura-eval's metadata gold comes from the "
            "trafilatura project. trafilatura = `bare_extraction(with_metadata=True)` in the same run.",
            "",
            table(["set", "system", "title", "authors", "published day"], mrows),
        ]
        for name in ("fundus", "trafilatura"):
            if name in sets:
                signals = collections.Counter((results[p["key"]].get("meta") or {}).get("published_signal")
                                              for p in sets[name])
                meta_md += ["", f"newscorpus `published.signal` on {name}: "
                            + ", ".join(f"{k or 'none'} {v}" for k, v in signals.most_common())]
    text = "\n".join(md)
    print(text)
    if meta_md:
        print("\n".join(meta_md))
    if not args.no_write:
        write_section("html-extraction", text)
        write_section("html-extraction", text, page="docs/io.md")
        if meta_md:
            write_section("html-metadata", "\n".join(meta_md))
            write_section("html-metadata", "\n".join(meta_md), page="docs/io.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
