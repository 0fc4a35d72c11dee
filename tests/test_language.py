"""Language identification: offline, deterministic, tells Malay from Indonesian."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscorpus import hookimpl
from newscorpus.language import identify
from newscorpus.plugins import get_registry

LANG = Path(__file__).resolve().parent / "data" / "lang"


@pytest.mark.parametrize("code", ["ms", "id"])
def test_malay_and_indonesian_sentences(code: str) -> None:
    lines = [x for x in (LANG / f"{code}.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    assert [identify(x) for x in lines] == [code] * len(lines)


def test_identification_is_deterministic() -> None:
    text = (LANG / "ms.txt").read_text(encoding="utf-8")
    assert len({identify(text) for _ in range(5)}) == 1


def test_too_little_text_is_unknown() -> None:
    assert identify("OK 123") is None


def test_a_plugin_answering_first_overrides_the_builtin() -> None:
    class Always:
        @hookimpl
        def identify_language(self, text: str) -> str | None:
            return "xx" if "kopi" in text else None

    pm = get_registry(objects=[Always()]).pm
    assert pm.hook.identify_language(text="secangkir kopi pagi ini di warung dekat stasiun kereta") == "xx"
    assert pm.hook.identify_language(text="The minister said the talks would continue next week.") == "en"
