"""Prompts carry no text of the example reports (issue 8): few-shot lines are invented.

The product is judged on reports it has never seen; a prompt that quotes the example reports
teaches the model their answers (a small model copied a prompt's example province into an
unrelated report). This fails on any 8-word run or any place name shared with examples/.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from summarizer.genre.meeting import read_meeting_facts
from summarizer.prompts import bundled_prompts_dir

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").rglob("*.txt"))
PROMPTS = sorted(bundled_prompts_dir().glob("*.j2"))
_KIND = r"(?:huyện|xã|tỉnh|thị xã|thành phố|phường|thị trấn|quận|Huyện ủy|Thị ủy|Tỉnh ủy)"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


def _grams(words: list[str], n: int = 8) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _place_names(text: str) -> set[str]:
    """Proper names written after a kind of unit ("huyện Sơn Khê" -> "Sơn Khê")."""
    names = set()
    for match in re.finditer(rf"{_KIND}\s+((?:[A-ZĐ][^\W\d_]*[ -]?){{1,4}})", text):
        words = [w for w in match.group(1).split() if w[:1].isupper()]
        if words:
            names.add(" ".join(words))
    facts = read_meeting_facts(text)
    names |= {n for n in (facts.unit_name, facts.province) if n}
    return names


def test_there_are_prompts_and_examples_to_compare() -> None:
    assert PROMPTS and len(EXAMPLES) >= 15


def test_no_prompt_shares_eight_words_in_a_row_with_an_example_report() -> None:
    example_grams: set[tuple[str, ...]] = set()
    for path in EXAMPLES:
        example_grams |= _grams(_words(path.read_text(encoding="utf-8")))
    leaks = {
        p.name: [
            " ".join(g)
            for g in sorted(_grams(_words(p.read_text(encoding="utf-8"))) & example_grams)
        ]
        for p in PROMPTS
    }
    assert not {k: v for k, v in leaks.items() if v}, leaks


def test_no_prompt_names_a_place_of_an_example_report() -> None:
    places: set[str] = set()
    for path in EXAMPLES:
        places |= _place_names(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")))
    assert {"Hậu Lộc", "Tây Đô"} <= places  # the name finder works on the examples
    found = {
        p.name: sorted(
            name
            for name in places
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", p.read_text(encoding="utf-8"))
        )
        for p in PROMPTS
    }
    assert not {k: v for k, v in found.items() if v}, found
