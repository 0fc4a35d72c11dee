"""CPU cost of reading a record's date column, per date.

    python benchmarks/record_dates_bench.py [--n 2000] [--seed 0]

Generates ``--n`` distinct date strings of each kind (no corpus text is needed:
the dates are synthetic, so the figures are about cost, not coverage) and times
:func:`newscorpus.parsers.record.parse_record_date` on them:

* ``iso``: ``2025-02-04`` / ``2025-02-04T10:00:00+07:00`` (the fast path);
* ``rfc2822``: ``Tue, 04 Feb 2025 10:00:00 +0700`` (the fast path);
* ``id-words``: ``Senin, 4 Februari 2025 10:00 WIB`` (dateparser);
* ``en-words``: ``January 10, 2025`` (dateparser);
* ``ms-words``: ``Isnin, 3 Mac 2025`` (dateparser);
* ``unreadable``: ``menurut laporan 12 pagi`` (dateparser, no date found);
* ``repeat``: one ``id-words`` string again and again (the string cache).

Each kind is timed on strings the cache has not seen (the cache is cleared
first); the first dateparser call (import and language data, ~0.1-0.3 s once per
process) is paid before timing and printed apart. Prints µs per date (CPU time).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from newscorpus.parsers import record

ID_DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ID_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
             "November", "Desember")
MS_DAYS = ("Isnin", "Selasa", "Rabu", "Khamis", "Jumaat", "Sabtu", "Ahad")
MS_MONTHS = ("Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September", "Oktober",
             "November", "Disember")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
EN_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _kinds(rng: random.Random) -> dict[str, Callable[[], str]]:
    def ymd() -> tuple[int, int, int]:
        return rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28)

    def iso() -> str:
        y, m, d = ymd()
        return f"{y}-{m:02d}-{d:02d}" + (f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00"
                                          if rng.random() < 0.5 else "")

    def rfc() -> str:
        y, m, d = ymd()
        return f"{rng.choice(EN_ABBR)}, {d:02d} {EN_MONTHS[m - 1][:3]} {y} {rng.randint(0, 23):02d}:00:00 +0700"

    def id_words() -> str:
        y, m, d = ymd()
        hh, mm = rng.randint(0, 23), rng.randint(0, 59)
        return f"{rng.choice(ID_DAYS)}, {d} {ID_MONTHS[m - 1]} {y} {hh:02d}:{mm:02d} WIB"

    def en_words() -> str:
        y, m, d = ymd()
        return f"{EN_MONTHS[m - 1]} {d}, {y}"

    def ms_words() -> str:
        y, m, d = ymd()
        return f"{rng.choice(MS_DAYS)}, {d} {MS_MONTHS[m - 1]} {y}"

    def unreadable() -> str:
        return f"menurut laporan {rng.randint(1, 99)} pagi"

    return {"iso": iso, "rfc2822": rfc, "id-words": id_words, "en-words": en_words, "ms-words": ms_words,
            "unreadable": unreadable}


def main(argv: list[str] | None = None) -> int:
    """Print µs per date for each kind."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="distinct dates per kind")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    t0 = time.process_time()
    record.parse_record_date("Senin, 4 Februari 2025 10:00 WIB")
    print(f"first dateparser call (import + language data, once per process): "
          f"{(time.process_time() - t0) * 1e3:.0f} ms CPU")
    print(f"{'kind':<12} {'µs/date':>9} {'read':>7}  example")
    for name, make in _kinds(rng).items():
        values = list(dict.fromkeys(make() for _ in range(args.n * 2)))[: args.n]
        record._dateparser_value.cache_clear()
        t = time.process_time()
        read = sum(record.parse_record_date(v) is not None for v in values)
        us = (time.process_time() - t) / len(values) * 1e6
        print(f"{name:<12} {us:9.1f} {read / len(values):7.1%}  {values[0]!r}")
    same = "Senin, 4 Februari 2025 10:00 WIB"
    t = time.process_time()
    for _ in range(args.n):
        record.parse_record_date(same)
    print(f"{'repeat':<12} {(time.process_time() - t) / args.n * 1e6:9.1f} {'':>7}  {same!r} (cached)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
