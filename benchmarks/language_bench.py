"""Language identification: accuracy and speed of py3langid (newscorpus's default)
against lingua, measured in the same run.

Sets: Indonesian news (IndoSum dev folds), English news (BBC full text), the
seeds, and hand-written Malay/Indonesian sentences from tests/data/lang (the only
Malay available offline). Writes the ``language`` section of docs/performance.md.

    python benchmarks/language_bench.py [BENCHMARKS_DIR] [--docs 500]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import DEFAULT_BENCHMARKS, ROOT, machine_line, table, write_section

from newscorpus.language import SAMPLE_CHARS as SAMPLE


def load_sets(bench: Path, n: int) -> dict[str, list[tuple[str, str]]]:
    sets: dict[str, list[tuple[str, str]]] = {}
    idn = []
    for fold in sorted((bench / "indosum-dev-folds").glob("dev.*.jsonl.gz")):
        with gzip.open(fold, "rt", encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                text = "\n".join(" ".join(" ".join(s) for s in p) for p in d["paragraphs"])
                idn.append(("id", text))
                if len(idn) >= n:
                    break
        if len(idn) >= n:
            break
    sets["IndoSum (id)"] = idn
    en = []
    with gzip.open(bench / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            en.append(("en", d.get("text") or d.get("body") or ""))
            if len(en) >= n:
                break
    sets["BBC (en)"] = en
    lang_dir = ROOT / "tests" / "data" / "lang"
    sets["hand-written ms/id sentences"] = [
        (code, line) for code in ("ms", "id")
        for line in (lang_dir / f"{code}.txt").read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    seed_langs = {"000": "id", "001": "id", "002": "en", "003": "id", "004": "en"}
    seed_files = sorted((ROOT / "seeds").glob("*.txt"))
    sets["seeds"] = [(seed_langs[p.name[:3]], p.read_text(encoding="utf-8")) for p in seed_files]
    return sets


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def py3langid_fn() -> Callable[[str], str]:
    from newscorpus.language import identify

    identify("warm up the model with a sentence long enough to classify")
    return lambda t: identify(t) or "und"


def lingua_fn() -> Callable[[str], str]:
    from lingua import LanguageDetectorBuilder

    det = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

    def f(t: str) -> str:
        lang = det.detect_language_of(t[:SAMPLE])
        return lang.iso_code_639_1.name.lower() if lang else "und"

    return f


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--docs", type=int, default=500, help="documents per news set")
    args = ap.parse_args()
    sets = load_sets(Path(args.benchmarks), args.docs)
    rows = []
    for name, make in (("py3langid (newscorpus default)", py3langid_fn), ("lingua (all languages)", lingua_fn)):
        before = rss_mb()
        try:
            t0 = time.perf_counter()
            fn = make()
            load = time.perf_counter() - t0
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        accs, speed_docs, speed_time = [], 0, 0.0
        for set_name, docs in sets.items():
            t0 = time.perf_counter()
            got = [fn(text) for _, text in docs]
            dt = time.perf_counter() - t0
            acc = sum(g == want for g, (want, _) in zip(got, docs, strict=True)) / len(docs)
            accs.append(f"{set_name}: {acc:.3f}")
            speed_docs += len(docs)
            speed_time += dt
        rows.append((name, *[a.split(": ")[1] for a in accs], round(speed_docs / speed_time), f"{load:.1f}",
                     f"{rss_mb() - before:.0f}"))
        gc.collect()
    headers = ["identifier", *sets, "docs/s", "load s", "RSS MB (added)"]
    md = (
        "## Language identification\n\n"
        f"{machine_line(['py3langid', 'lingua-language-detector'])}\n\n"
        "Accuracy per set (share of documents labelled with the right ISO 639-1 code); speed over all sets, "
        f"first {SAMPLE} characters of each document.\n\n"
        f"{table(headers, rows)}\n\n"
        "Reproduce: `python benchmarks/language_bench.py ../shared/benchmarks`."
    )
    print(md)
    write_section("language", md)


if __name__ == "__main__":
    main()
