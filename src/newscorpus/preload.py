"""Models loaded once, before the local executor's pool workers start.

With ``spawn`` every worker imports newscorpus and loads the built-in models on its
first article: py3langid's table and its batch copy, the Indonesian-vs-Malay pair
model, the entity reader and its compiled kernel, the place gazetteer, the line
model, the compiled rule packs and the events' word lists (~360 MB in the server; ~3 s of CPU per
worker on x86_64). The ``local`` executor's default start method is ``forkserver``: the
server process imports :mod:`newscorpus._warm_server` first, which calls :func:`warm`, and every
worker is forked from that server, so it starts with the models in memory and shares
their pages with its siblings copy-on-write, as issue 22's "models loaded before the
fork" asks. Forking from the server, not from the driver, keeps the driver's threads
(progress bar, the user's own) out of the fork.

What :func:`warm` loads is newscorpus's own: the built-in components of the default
configuration, run over a few short sample articles. Third-party plugins are not
imported in the server (each worker imports them itself), so the server never holds a
plugin's code from before an edit.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SAMPLES", "warm"]

log = logging.getLogger("newscorpus")

#: Short articles written for this module, one per built-in language, each with the
#: parts the models read (a dateline, names, a date, a credit line, reader-facing
#: furniture), so that warming one of them loads what a real article would.
SAMPLES: tuple[dict[str, str], ...] = (
    {
        "id": "warm-en",
        "title": "Port workers end strike after pay deal in Rotterdam",
        "date": "2024-03-05",
        "source": "Example Wire",
        "text": (
            "ROTTERDAM (Example Wire) - Dock workers at the port of Rotterdam returned to work on Tuesday "
            "after unions and employers agreed a 6% pay rise, ending a strike that had held up container "
            "ships for nine days.\n"
            "\"We got what we asked for,\" union leader Maria de Vries told reporters outside the terminal.\n"
            "The deal still needs the approval of union members, who vote on March 12.\n"
            "Reporting by Jan Bakker; Editing by Susan Clark\n"
            "Follow us on social media and share this story with your friends!"
        ),
    },
    {
        "id": "warm-id",
        "title": "Banjir rendam ratusan rumah di Kabupaten Bandung",
        "date": "2024-02-14",
        "source": "Contoh News",
        "text": (
            "BANDUNG, KOMPAS - Halo pembaca setia!\n"
            "Banjir merendam sedikitnya 300 rumah di Kecamatan Dayeuhkolot, Kabupaten Bandung, Jawa Barat, "
            "pada Rabu (14/2/2024) setelah hujan deras turun sejak malam sebelumnya.\n"
            "Kepala Badan Penanggulangan Bencana Daerah Jawa Barat, Budi Santoso, mengatakan warga telah "
            "dievakuasi ke masjid dan sekolah terdekat.\n"
            "Baca juga: Hujan deras diperkirakan berlanjut hingga akhir pekan\n"
            "Penulis: Rina Wulandari | Editor: Agus Salim"
        ),
    },
    {
        "id": "warm-ms",
        "title": "Kerajaan umum bantuan tunai untuk nelayan di Terengganu",
        "date": "2024-01-09",
        "source": "Contoh Berita",
        "text": (
            "KUALA TERENGGANU: Kerajaan negeri mengumumkan bantuan tunai RM500 kepada lebih 2,000 nelayan "
            "yang terjejas akibat musim tengkujuh, kata Menteri Besar Terengganu semalam.\n"
            "Beliau berkata bantuan itu akan disalurkan melalui Jabatan Perikanan mulai minggu depan.\n"
            "Nelayan yang layak boleh membuat semakan di pejabat daerah masing-masing.\n"
            "Ikuti kami di Telegram dan WhatsApp untuk berita terkini."
        ),
    },
)


@contextmanager
def _core_only() -> Iterator[None]:
    """Load no entry-point plugin while warming (see the module docstring)."""
    from .plugins import ALLOW_ENV

    before = os.environ.get(ALLOW_ENV)
    os.environ[ALLOW_ENV] = ""
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ALLOW_ENV, None)
        else:
            os.environ[ALLOW_ENV] = before


def warm() -> float:
    """Load the built-in models into this process by running the default
    pipeline (built-in plugins only, one process, nothing exported) over
    :data:`SAMPLES`; return the seconds it took.

    Best effort: a failure is logged and warming stops there (a worker loads
    whatever it still lacks on its first article, as with ``spawn``).
    """
    from .api import process
    from .config import ExecutionConfig, PipelineConfig

    start = time.perf_counter()
    try:
        with _core_only():
            process(list(SAMPLES), PipelineConfig(execution=ExecutionConfig(workers=1)))
    except Exception as exc:  # warming is an optimisation: never the reason a run fails
        log.warning("newscorpus: loading the models before the workers start failed (%s: %s); "
                    "each worker loads them itself", type(exc).__name__, exc)
    return time.perf_counter() - start
