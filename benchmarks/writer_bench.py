"""CPU cost per article of the safe JSON Lines writer and of the gazetteer cache load.

1. **Writer**: ``workdir.AtomicWriter.write_json`` (strict JSON, sanitising
   fall-back, temporary file, fsync, rename) against the bare
   ``json.dumps`` + ``write`` it replaced, on generated articles in the public
   schema (no benchmark text). Prints CPU microseconds per article for each.
2. **Gazetteer cache**: seconds to load the JSON cache in a fresh process
   (``NEWSCORPUS_CACHE_DIR`` set to a temporary folder; the first process builds it).

Usage: ``python benchmarks/writer_bench.py [--articles 20000] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newscorpus.models import Article, Provenance
from newscorpus.serialize import article_to_dict
from newscorpus.workdir import AtomicWriter


def _article(i: int) -> dict[str, Any]:
    words = [f"w{(i * 7 + k) % 997}" for k in range(60)]
    body = tuple(" ".join(words[j:j + 20]) + "." for j in range(0, 60, 20))
    return article_to_dict(Article(id=f"a{i:08d}", provenance=Provenance("generated", i),
                                   title=" ".join(words[:8]), body=body, language="en",
                                   url=f"https://example.com/{i}"))


def _bare(path: Path, docs: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())


def _safe(path: Path, docs: list[dict[str, Any]]) -> None:
    w = AtomicWriter(path)
    for d in docs:
        w.write_json(d)
    w.commit()


#: Times the load alone (the module import, Babel included, is not the cache's cost).
_LOAD = ("import time; from newscorpus.events.places import gazetteer; t = time.perf_counter(); "
         "gazetteer(); print(time.perf_counter() - t)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    docs = [_article(i) for i in range(args.articles)]
    with tempfile.TemporaryDirectory() as tmp:
        best: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, fn in (("json.dumps + write", _bare), ("AtomicWriter.write_json", _safe)):
                t = time.process_time()
                fn(Path(tmp) / "out.jsonl", docs)
                us = (time.process_time() - t) / len(docs) * 1e6
                best[name] = min(best.get(name, us), us)
        for name, us in best.items():
            print(f"{name:<26} {us:6.2f} µs CPU per article (best of {args.rounds})")
        env = {**os.environ, "NEWSCORPUS_CACHE_DIR": str(Path(tmp) / "cache")}
        subprocess.run([sys.executable, "-c", _LOAD], env=env, check=True, capture_output=True)  # builds it
        loads = [float(subprocess.run([sys.executable, "-c", _LOAD], env=env, check=True, capture_output=True,
                                      text=True).stdout) for _ in range(args.rounds)]
        print(f"gazetteer cache load       {min(loads):6.3f} s (best of {args.rounds} fresh processes)")


if __name__ == "__main__":
    main()
