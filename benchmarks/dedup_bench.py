"""Dedup at corpus scale: speed, memory and pair precision/recall.

Measures, in one run:

1. **Near-duplicate stage vs peers** on a generated corpus (``corpusgen``) with
   planted exact and near copies: newscorpus ``near`` (NumPy one-permutation
   MinHash), the same pipeline with rensa's MinHash in place of ours, and a
   reference datasketch pipeline (``MinHash.bulk`` + ``MinHashLSH``). All three read
   the same JSONL, use the same tokens, shingles, bands (64 x 2) and verification,
   so differences are the MinHash/LSH implementations. Each runs in its own
   process (peak RSS is that process's).
2. **The pipeline** (``newscorpus run``: parse + exact, near and translation
   dedup, cleaning and events off) on the same corpus: docs/s, stage times, peak
   RSS of any process, and pair precision/recall for planted duplicates and
   translations.
3. **BBC News**: the 133 identical-body pairs of ``bbc-news-fulltext``.
4. **PANL-BPPT translations**: Indonesian/English documents assembled from runs of
   consecutive sentences; runs kept in one language only are same-domain
   distractors (the neighbouring runs of a story are the hard negatives).

Usage: ``python benchmarks/dedup_bench.py [BENCHMARKS] --sizes 100000 1000000``.
Writes the ``dedup`` section of ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpusgen
from _report import DEFAULT_BENCHMARKS, machine_line, median, table, write_section

from newscorpus.api import deduplicate
from newscorpus.dedup import (
    Candidate,
    ExactDeduplicator,
    Meta,
    NearDeduplicator,
    TranslationDeduplicator,
)
from newscorpus.dedup.core import UnionFind, bucket_pairs
from newscorpus.dedup.minhash import batch_shingles, encode_u32
from newscorpus.dedup.text import tokens
from newscorpus.models import Article, Provenance, Timestamp

ENGINES = ("near", "near-rensa", "datasketch")
BATCH = 1000
#: Shard size of the pipeline runs: small enough that both workers parse from 10,000 articles on.
SHARD_BYTES = 16 << 20


# -- corpus ------------------------------------------------------------------------------------


def corpus(workdir: Path, n: int, benchmarks: str, seed: int = 1) -> Path:
    """The generated corpus of ``n`` records (generated once, then reused)."""
    path = workdir / f"corpus-{n}-s{seed}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        corpusgen.write_jsonl(corpusgen.generate(n, seed=seed, benchmarks=benchmarks), tmp)
        tmp.rename(path)
        print(f"generated {n} records in {time.perf_counter() - t:.0f}s -> {path}", flush=True)
    return path


def records(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def to_article(rec: dict[str, Any]) -> Article:
    return Article(id=rec["id"], provenance=Provenance(path="corpus"), title=rec["title"],
                   body=[p.strip() for p in rec["body"].split("\n\n") if p.strip()],
                   language=rec["language"], source=rec["source"],
                   published=Timestamp(rec["published"], "second") if rec.get("published") else None)


def batches(path: Path) -> Iterator[list[Article]]:
    it = records(path)
    while True:
        chunk = [to_article(r) for r in itertools.islice(it, BATCH)]
        if not chunk:
            return
        yield chunk


def cluster_pairs(edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every pair inside the clusters the edges form."""
    uf = UnionFind()
    for a, b in edges:
        uf.union(a, b)
    out: set[tuple[str, str]] = set()
    for group in uf.groups().values():
        out.update(itertools.combinations(sorted(group), 2))
    return out


def pr(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    tp = len(pred & truth)
    return tp / max(1, len(pred)), tp / max(1, len(truth))


# -- engines (each in its own process) ------------------------------------------------------------


class RensaNear(NearDeduplicator):
    """``near`` with rensa's k-permutation MinHash in place of our one-permutation
    hashing. rensa does not say which shingle holds a bin, so the spread check is
    off (as in the datasketch reference)."""

    def __init__(self) -> None:
        super().__init__(spread=0.0)

    def _sign(self, token_hashes: Sequence[np.ndarray]) -> tuple[list[str | None], np.ndarray]:
        import rensa

        hashes, _doc, counts = batch_shingles(token_hashes, self.shingle, self.seed, (self.trim, self.trim_cap))
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.uint64)
        rows = (np.asarray(rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            hashes, offsets, self.bins, 42).to_rows(), dtype=np.uint32) if len(hashes)
            else np.zeros((len(counts), self.bins), np.uint32))
        out: list[str | None] = []
        pad = np.zeros(self.bins // 32, dtype=np.uint32)
        for i, c in enumerate(counts.tolist()):
            out.append(None if not c else encode_u32(np.concatenate(([c], rows[i], pad)).astype(np.uint32)))
        return out, rows


def run_ours(chunks: list[list[Article]], method: NearDeduplicator) -> tuple[list[tuple[str, str]], dict[str, float]]:
    ids: list[str] = []
    sigs: list[Any] = []
    keys: list[np.ndarray] = []
    t0 = time.perf_counter()
    for chunk in chunks:
        for a, (s, k) in zip(chunk, method.signatures_with_keys(chunk), strict=True):
            if s is None:
                continue
            keys.append(k)
            ids.append(a.id)
            sigs.append(s)
    t1 = time.perf_counter()
    k = np.concatenate(keys)
    m = np.repeat(np.arange(len(ids), dtype=np.int64), [len(x) for x in keys])
    del keys
    pairs, _capped = bucket_pairs(k, m, method.max_bucket)
    del k, m
    t2 = time.perf_counter()
    edges = []
    for start in range(0, len(pairs), 20000):
        chunk_pairs = pairs[start:start + 20000].tolist()
        todo = [(Candidate(Meta(ids[a], 0, a), sigs[a]), Candidate(Meta(ids[b], 0, b), sigs[b]))
                for a, b in chunk_pairs]
        for (a, b), score in zip(chunk_pairs, method.verify_many(todo), strict=True):
            if score is not None:
                edges.append((ids[a], ids[b]))
    t3 = time.perf_counter()
    return edges, {"signatures": t1 - t0, "buckets": t2 - t1, "verify": t3 - t2, "candidates": len(pairs)}


def run_datasketch(chunks: list[list[Article]],
                   near: NearDeduplicator) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """The reference: datasketch MinHash.bulk + MinHashLSH with the same shingles,
    bands and verification (Jaccard and containment from the MinHash estimate)."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=near.bins, params=(near.bands, near.rows))
    store: dict[str, tuple[Any, int]] = {}
    edges = []
    cand = 0
    t0 = time.perf_counter()
    t_sig = 0.0
    for chunk in chunks:
        s0 = time.perf_counter()
        shingle_sets, kept_ids = [], []
        for a in chunk:
            toks = tokens(a.text or a.title)
            if len(toks) < near.min_tokens:
                continue
            sh = [" ".join(toks[i:i + near.shingle]) for i in range(len(toks) - near.shingle + 1)]
            cut = min(int(len(sh) * near.trim), near.trim_cap)
            if len(sh) - 2 * cut >= 1:
                sh = sh[cut:len(sh) - cut]
            shingle_sets.append([s.encode("utf-8") for s in sh])
            kept_ids.append((a.id, len(set(sh))))
        mhs = MinHash.bulk(shingle_sets, num_perm=near.bins)
        t_sig += time.perf_counter() - s0
        for (aid, n), mh in zip(kept_ids, mhs, strict=True):
            for other in lsh.query(mh):
                cand += 1
                omh, on = store[other]
                j = mh.jaccard(omh)
                inter = j * (n + on) / (1 + j)
                if j >= near.jaccard and inter / max(1, min(n, on)) >= near.containment:
                    edges.append((other, aid))
            lsh.insert(aid, mh)
            store[aid] = (mh, n)
    total = time.perf_counter() - t0
    return edges, {"signatures": t_sig, "buckets": total - t_sig, "verify": 0.0, "candidates": cand}


def _rss_mb(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field + ":"))) / 1024


def engine_main(engine: str, path: Path, out: Path) -> None:
    """One engine in this (fresh) process. The articles are read first: the
    timing and the memory above the loaded corpus are the dedup stage's own."""
    chunks = list(batches(path))
    loaded = _rss_mb("VmRSS")
    t, cpu = time.perf_counter(), time.process_time()
    near = NearDeduplicator()
    if engine == "near":
        edges, parts = run_ours(chunks, near)
    elif engine == "near-rensa":
        edges, parts = run_ours(chunks, RensaNear())
    else:
        edges, parts = run_datasketch(chunks, near)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (larger) parent.
    peak = _rss_mb("VmHWM")
    if engine == "near":  # the floor every engine pays: normalising and tokenising the texts
        t, cpu = time.perf_counter(), time.process_time()
        for chunk in chunks:
            for a in chunk:
                tokens(a.text or a.title)
        parts["tokenise"], parts["tokenise_cpu"] = time.perf_counter() - t, time.process_time() - cpu
    out.write_text(json.dumps({"engine": engine, "wall": wall, "cpu": cpu, "rss_mb": peak,
                               "rss_stage_mb": peak - loaded, "parts": parts, "edges": edges}))


def run_engine(engine: str, path: Path, workdir: Path, k: int = 0, reuse: bool = False) -> dict[str, Any] | None:
    """Run ``engine`` (its ``k``-th run) in a fresh process; with ``reuse``, read the
    result a previous invocation left instead (``None`` when there is none)."""
    out = workdir / f"engine-{engine}-{path.stem}-r{k}.json"
    if reuse:
        return json.loads(out.read_text()) if out.exists() else None  # type: ignore[no-any-return]
    subprocess.run([sys.executable, __file__, "_engine", engine, str(path), str(out)], check=True)
    return json.loads(out.read_text())  # type: ignore[no-any-return]


# -- the pipeline -----------------------------------------------------------------------------------


def run_pipeline(path: Path, workdir: Path, methods: Sequence[str], tag: str, reuse: bool = False) -> dict[str, Any]:
    out = workdir / f"run-{tag}-{path.stem}"
    measured = out.with_name(out.name + ".measured.json")
    if reuse and measured.exists():  # a previous invocation's run: read its figures and outputs
        wall, rss = json.loads(measured.read_text())
        return _pipeline_result(out, methods, wall, rss)
    cfg = workdir / f"cfg-{tag}.yaml"
    cfg.write_text(json.dumps({
        "read": {"language": False}, "clean": {"cleaners": []}, "events": {"builder": None},
        "dedup": {"methods": list(methods)}, "execution": {"workers": 2, "shard_bytes": SHARD_BYTES},
    }))
    # A wrapper process reports the largest RSS of the run's processes (workers included).
    wrapper = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, "newscorpus", "run", str(path), "-c", str(cfg),
                           "-o", str(out), "--restart", "-q"], check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    rss = int(done.stdout.split()[-1]) / 1024
    measured.write_text(json.dumps([wall, rss]))
    return _pipeline_result(out, methods, wall, rss)


def _pipeline_result(out: Path, methods: Sequence[str], wall: float, rss: float) -> dict[str, Any]:
    report = json.loads((out / "report.json").read_text())
    result: dict[str, Any] = {"wall": wall, "rss_mb": rss,
                              "timings": report["timings_seconds"], "dedup": report.get("dedup", {}),
                              "shards": report["execution"]["shards"]}
    if methods:
        source: dict[str, str] = {}
        dup_edges, tr_edges = [], []
        with open(out / "articles.jsonl", encoding="utf-8") as fh:
            for line in fh:
                a = json.loads(line)
                source[a["id"]] = a["extras"].get("source_id", a["id"])
                if a["duplicate_of"]:
                    dup_edges.append((a["id"], a["duplicate_of"]))
                if a["translation_of"] and not a["duplicate_of"]:
                    tr_edges.append((a["id"], a["translation_of"]))
        result["dup_pairs"] = cluster_pairs((source[a], source[b]) for a, b in dup_edges)
        result["tr_pairs"] = {tuple(sorted((source[a], source[b]))) for a, b in tr_edges}
    return result


# -- real data ----------------------------------------------------------------------------------------


def bbc(benchmarks: str) -> list[list[Any]]:
    path = Path(benchmarks) / "bbc-news-fulltext" / "bbc_fulltext.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh]
    arts = [Article(id=r["id"], provenance=Provenance(path=r["id"]), title=r["title"],
                    body=[p.strip() for p in r["text"].split("\n") if p.strip()], language="en") for r in recs]
    by_text: dict[str, list[str]] = defaultdict(list)
    for r in recs:
        by_text[r["text"].strip()].append(r["id"])
    truth = {(a, b) for ids in by_text.values() for a, b in itertools.combinations(sorted(ids), 2)}
    text = {r["id"]: r["text"].split() for r in recs}
    rows = []
    for name, methods in (("exact", [ExactDeduplicator()]), ("near", [NearDeduplicator()]),
                          ("exact + near", [ExactDeduplicator(), NearDeduplicator()])):
        t = time.perf_counter()
        res = deduplicate(arts, methods)
        el = time.perf_counter() - t
        pred = cluster_pairs((k, v["duplicate_of"]) for k, v in res.links.items() if "duplicate_of" in v)
        p, r = pr(pred, truth)
        # how much of the shorter text the other one contains, in order, for pairs beyond the truth
        cover = sorted(_contained(text[a], text[b]) for a, b in pred - truth)
        extra = f"{cover[0]:.2f} / {cover[len(cover) // 2]:.2f}" if cover else "-"
        halves = f"{sum(c >= 0.5 for c in cover)} / {sum(c >= 0.8 for c in cover)}"
        rows.append([name, len(truth), len(pred), len(pred - truth), extra, halves, f"{p:.3f}", f"{r:.3f}",
                     f"{len(arts) / el:,.0f}"])
    return rows


def _contained(a: list[str], b: list[str]) -> float:
    """Share of the shorter word sequence found in order in the other (difflib blocks)."""
    import difflib

    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(x.size for x in blocks) / max(1, min(len(a), len(b)))


def panl(benchmarks: str, seed: int = 5) -> tuple[list[list[Any]], dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    detail: dict[str, Any] = {}
    for label, domains, dated in (("news (ECO, INT, SPO)", corpusgen.NEWS_DOMAINS, True),
                                  ("news, undated", corpusgen.NEWS_DOMAINS, False),
                                  ("SCI (sorted lines, not stories)", ("SCI",), True)):
        runs = corpusgen.panl_runs(benchmarks, rng, domains=domains)
        arts: list[Article] = []
        truth: set[tuple[str, str]] = set()
        dom: dict[str, str] = {}
        for k, (domain, id_s, en_s) in enumerate(runs):
            side = "both" if rng.random() < 0.6 else str(rng.choice(["id", "en"]))
            day = int(rng.integers(0, 700))
            for lang, sents, lag in (("en", en_s, 0), ("id", id_s, int(rng.integers(0, 3)))):
                if side not in ("both", lang):
                    continue
                aid = f"{domain}-{k}-{lang}"
                dom[aid] = domain
                paras = [" ".join(sents[i:i + 2]) for i in range(0, len(sents), 2)]
                when = Timestamp(f"2024-{1 + (day + lag) // 60 % 12:02d}-{1 + (day + lag) % 28:02d}") if dated else None
                arts.append(Article(id=aid, provenance=Provenance(path=aid), body=paras, language=lang,
                                    published=when))
            if side == "both":
                truth.add((f"{domain}-{k}-en", f"{domain}-{k}-id"))
        t = time.perf_counter()
        res = deduplicate(arts, [TranslationDeduplicator()])
        el = time.perf_counter() - t
        pred = {tuple(sorted((k, v["translation_of"]))) for k, v in res.links.items() if "translation_of" in v}
        p, r = pr(pred, truth)
        rows.append([label, len(arts), len(truth), len(pred), f"{p:.3f}", f"{r:.3f}",
                     res.stats["translation.candidate_pairs"], f"{len(arts) / el:,.0f}"])
        if dated and "news" in label:
            for d in corpusgen.NEWS_DOMAINS:
                dt_ = {x for x in truth if dom[x[0]] == d}
                dp = {x for x in pred if dom[x[0]] == d}
                detail[d] = pr(dp, dt_)
    return rows, detail


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _target(figure: str) -> str:
    if "vs datasketch" in figure:
        return ">= 4x"
    if "RSS" in figure:
        return "< 1,536 MB at 1,000,000"
    if "translation P" in figure:
        return ">= 0.98"
    if "translation R" in figure:
        return ">= 0.9"
    return ">= 0.99"


# -- main -------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("benchmarks", nargs="?", default=DEFAULT_BENCHMARKS)
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--engines-max", type=int, default=200_000,
                    help="largest size at which the in-process engines (and datasketch) run")
    ap.add_argument("--baseline-max", type=int, default=200_000,
                    help="largest size at which a pipeline run without dedup is timed as a baseline")
    ap.add_argument("--workdir", default="/tmp/newscorpus-dedup-bench")
    ap.add_argument("--skip-real", action="store_true", help="skip the BBC and PANL measurements")
    ap.add_argument("--skip-pipeline", action="store_true", help="skip the pipeline runs")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each engine (the median is reported)")
    ap.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES,
                    help="in-process engines to compare (near and datasketch are needed for the ratio)")
    ap.add_argument("--single", nargs="*", default=[], choices=ENGINES,
                    help="engines run only once (in the first round), to save time")
    ap.add_argument("--no-write", action="store_true", help="print only, do not update docs")
    ap.add_argument("--reuse", action="store_true",
                    help="compose the report from the engine and pipeline runs earlier invocations left in the "
                         "workdir (run in parallel, or in parts) instead of running them again")
    args = ap.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    md = ["## Deduplication (`benchmarks/dedup_bench.py`)", "",
          machine_line(["numpy", "xxhash", "rensa", "datasketch"]), "",
          "Reproduce: `python benchmarks/dedup_bench.py "
          + " ".join(x for x in (argv if argv is not None else sys.argv[1:]) if x != "--reuse")
          + "` (needs `pip install -e '.[bench]' rensa`)."
          + (" These figures were composed (`--reuse`) from runs made in parts, some of them side by side."
             if args.reuse else ""), ""]
    summary: dict[str, float] = {}

    for n in args.sizes:
        path = corpus(workdir, n, args.benchmarks)
        recs = list(records(path))
        dup_truth, tr_truth = corpusgen.true_pairs(recs)
        kinds: dict[str, int] = defaultdict(int)
        for r in recs:
            kinds[r["kind"]] += 1
        del recs
        md += [f"### {n:,} generated articles", "",
               f"Planted: {kinds['exact']:,} exact and {kinds['near']:,} near copies ({len(dup_truth):,} duplicate "
               f"pairs), {kinds['translation'] // 2:,} translation pairs and {kinds['distractor']:,} same-domain "
               "distractors (PANL-BPPT); the rest are originals from 80 outlets with shared headers and footers.", ""]
        if n <= args.engines_max:
            rows, res = [], {}
            engines = [e for e in ENGINES if e in args.engines and (e != "near-rensa" or _has("rensa"))]
            runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for k in range(args.repeats):  # alternate engines so that load from elsewhere hits all alike
                for engine in engines:
                    if k == 0 or engine not in args.single:
                        got = run_engine(engine, path, workdir, k, args.reuse)
                        if got is not None:
                            runs[engine].append(got)
                            print(engine, f"run {k + 1}: {got['wall']:.1f} s, CPU {got['cpu']:.1f} s", flush=True)
            engines = [e for e in engines if runs[e]]
            for engine in engines:
                # the run of median CPU time: on a shared machine wall times vary with the load from elsewhere
                res[engine] = r = sorted(runs[engine], key=lambda x: x["cpu"])[len(runs[engine]) // 2]
                pred = cluster_pairs(map(tuple, r["edges"]))  # type: ignore[arg-type]
                p, rc = pr(pred, dup_truth)
                walls = ", ".join(f"{x['wall']:.0f}" for x in runs[engine])
                rows.append([engine, f"{n / r['wall']:,.0f}", f"{r['wall']:.0f}", walls, f"{r['cpu']:.0f}",
                             f"{r['parts']['signatures']:.0f}",
                             f"{r['parts']['buckets'] + r['parts']['verify']:.0f}", f"{r['parts']['candidates']:,}",
                             f"{r['rss_stage_mb']:,.0f}", f"{p:.4f}", f"{rc:.4f}"])
                print(rows[-1], flush=True)
            # ratios of the runs of one round (the engines ran one after the other), median over rounds
            rounds = list(zip(runs["near"], runs["datasketch"], strict=False))
            ratio = median([d["wall"] / m["wall"] for m, d in rounds])
            ratio_cpu = median([d["cpu"] / m["cpu"] for m, d in rounds])
            summary[f"near stage vs datasketch at {n:,} (wall)"] = ratio
            summary[f"near stage vs datasketch at {n:,} (CPU)"] = ratio_cpu
            summary[f"near-dup P at {n:,} (near stage)"], summary[f"near-dup R at {n:,} (near stage)"] = pr(
                cluster_pairs(map(tuple, res["near"]["edges"])), dup_truth)  # type: ignore[arg-type]
            rensa = ""
            if "near-rensa" in res:
                rensa = (f"; with rensa's MinHash in place of ours, our pipeline is "
                         f"{res['datasketch']['cpu'] / res['near-rensa']['cpu']:.1f}x faster")
            floor_cpu = res["near"]["parts"].get("tokenise_cpu")
            beyond = (f" In CPU time, normalising and tokenising alone take {floor_cpu:.0f} s of near's "
                      f"{res['near']['cpu']:.0f} s; beyond that shared floor `near` is "
                      f"{(res['datasketch']['cpu'] - floor_cpu) / (res['near']['cpu'] - floor_cpu):.1f}x faster."
                      if floor_cpu else "")
            md += ["Near-duplicate stage (tokens to clusters), one process each on articles already in memory; "
                   "same tokens, shingles, 64 x 2 bands and verification; of "
                   f"{len(runs['near'])} run(s), engines alternating, the run of median CPU time"
                   + (f" ({', '.join(args.single)} run once)" if args.single else "") + ":", "",
                   table(["engine", "docs/s", "wall s", "wall s (each run)", "CPU s", "signatures s",
                          "LSH + verify s", "candidates", "peak RSS above the loaded corpus, MB", "pair P",
                          "pair R"], rows), "",
                   f"newscorpus `near` is **{ratio_cpu:.1f}x** faster than the datasketch pipeline in CPU time "
                   f"({ratio:.1f}x in wall time; other jobs shared the machine, so CPU time is the steadier "
                   f"figure; both ratios are medians over rounds of the runs of one round){rensa}.{beyond} "
                   "Peak memory above the loaded corpus: "
                   f"{res['datasketch']['rss_stage_mb'] / max(1, res['near']['rss_stage_mb']):.1f}x less than "
                   "datasketch. rensa and datasketch have no record of where a shingle lies, so they run without "
                   "the `spread` check, hence their lower precision.", ""]
        if not args.skip_pipeline:
            prow = []
            full = run_pipeline(path, workdir, ["exact", "near", "translation"], "all", args.reuse)
            base = run_pipeline(path, workdir, [], "none", args.reuse) if n <= args.baseline_max else None
            dp, dr = pr(full["dup_pairs"], dup_truth)
            tp, tr = pr(full["tr_pairs"], tr_truth)
            tm = full["timings"]
            dedup_s = sum(v for k, v in tm.items() if k.startswith("dedup"))
            summary[f"pipeline peak RSS MB at {n:,}"] = full["rss_mb"]
            summary[f"pipeline near-dup P at {n:,}"], summary[f"pipeline near-dup R at {n:,}"] = dp, dr
            summary[f"pipeline translation P at {n:,}"], summary[f"pipeline translation R at {n:,}"] = tp, tr
            prow.append(["exact + near + translation", full["shards"], f"{n / full['wall']:,.0f}",
                         f"{full['wall']:.0f}",
                         f"{tm['parse']:.0f}", f"{dedup_s:.0f}", f"{full['rss_mb']:,.0f}",
                         f"{dp:.4f} / {dr:.4f}", f"{tp:.3f} / {tr:.3f}"])
            if base is not None:
                bt = base["timings"]
                prow.append(["no dedup (baseline)", base["shards"], f"{n / base['wall']:,.0f}",
                             f"{base['wall']:.0f}",
                             f"{bt['parse']:.0f}", "0", f"{base['rss_mb']:,.0f}", "-", "-"])
            print(prow, flush=True)
            md += [f"The pipeline (`newscorpus run` on the JSONL, 2 workers, {SHARD_BYTES >> 20} MB shards, "
                   "cleaning and events off):", "",
                   table(["dedup methods", "shards", "docs/s", "wall s", "parse s (incl. signatures)", "dedup stages s",
                          "peak RSS MB (any process)", "duplicate pairs P / R", "translation pairs P / R"], prow), "",
                   "Dedup counters: " + ", ".join(f"{k} {v:,}" for k, v in sorted(full["dedup"].items())
                                                  if isinstance(v, int)), ""]
    if not args.skip_real:
        real = workdir / "real.json"
        if args.reuse and real.exists():
            bbc_rows, (rows, detail) = json.loads(real.read_text())
        else:
            bbc_rows, (rows, detail) = bbc(args.benchmarks), panl(args.benchmarks)
            real.write_text(json.dumps([bbc_rows, [rows, detail]]))
        md += ["### BBC News: the identical-body pairs", "",
               table(["methods", "identical pairs", "found pairs", "found, not identical",
                      "their shorter text contained, min / median", "of them contained >= 0.5 / >= 0.8",
                      "P", "R", "docs/s"], bbc_rows), "",
               "P counts every pair that is not an identical body as wrong, so for `near` it is not a precision "
               "of near-duplicate detection: BBC News has no labels for near duplicates. The extra `exact` pairs "
               "differ only in spacing or punctuation. The extra `near` pairs are other versions of one story (an "
               "update, an extended version) or follow-ups that repeat paragraphs of an earlier story; the "
               "containment columns give the share of the shorter text found, in order, in the longer (difflib "
               "matching blocks over words), and pairs of one cluster count: two versions each verified against "
               "the cluster's canonical one.", ""]
        summary["translation P (PANL news, dated)"] = float(rows[0][4])
        summary["translation R (PANL news, dated)"] = float(rows[0][5])
        md += ["### Translations: PANL-BPPT Indonesian/English documents", "",
               table(["documents", "articles", "true pairs", "found", "P", "R", "candidates", "docs/s"], rows), "",
               "Per news domain (dated): " + "; ".join(f"{d} P {p:.3f} R {r:.3f}" for d, (p, r) in detail.items())
               + ".", ""]
    if summary:
        md += ["### Against the targets of issue 4", "",
               table(["figure", "measured", "target"],
                     [[k, f"{v:,.3f}" if v < 100 else f"{v:,.0f}", _target(k)] for k, v in summary.items()]), ""]
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        write_section("dedup", text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_engine":
        engine_main(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
