"""Renderers: Markdown/HTML/DOCX briefings and the evidence review page (offline, fast).

Fixtures are gold files turned into summaries: every gold quote is an exact substring of its
report, so each item cites a real span. The one-page test prints with Chromium when installed.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document

from summarizer.errors import ConfigError
from summarizer.evaluate import SECTIONS, load_gold
from summarizer.render import format_number, render_briefing, render_review
from summarizer.render.common import COLUMNS, SECTION_TITLES, heading_line, templates_dir
from summarizer.render.layout import build_briefing
from summarizer.render.markdown import md_escape
from summarizer.schema import (
    Evidence,
    Indicator,
    Meta,
    PlanPct,
    ReportSummary,
    RunInfo,
    SectionItem,
)

from .conftest import need

DATA = Path(__file__).resolve().parents[1] / "examples" / "dev"
#: The dev reports as the pipeline summarises them (replayed cassettes, tests/test_regression.py).
REPLAYED = sorted((Path(__file__).resolve().parent / "expected").glob("*.json"))
PAIR = "000_97fc47a35074beef"
DEV = DATA
GOLDS = sorted(DEV.glob("*.gold.json")) if DEV.is_dir() else [DATA / f"{PAIR}.gold.json"]
RUN = RunInfo(model="qwen-test", backend="test", prompt_version="p-test")
TODAY = date(2024, 1, 2)
SCRIPT = "<script>alert('x')</script>"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CHROMIUM = Path("/usr/bin/chromium")
VOCAB = "phát triển kinh tế xã hội bảo đảm quốc phòng an ninh nâng cao đời sống"


def ev(text: str, quote: str) -> Evidence:
    start = text.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote))


def from_gold(gold_path: Path, text: str | None = None) -> tuple[ReportSummary, str]:
    """The gold file as a summary; ``text`` overrides the report beside it."""
    if text is None:
        text = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt")).read_text(
            encoding="utf-8"
        )
    text = unicodedata.normalize("NFC", text)
    gold = load_gold(gold_path, text)
    indicators = [
        Indicator(**g.model_dump(exclude={"quote"}), evidence=[ev(text, g.quote)])
        for g in gold.indicators
    ]
    sections = {
        sec: [SectionItem(text=q, evidence=[ev(text, q)]) for q in getattr(gold, sec)]
        for sec in SECTIONS
    }
    summary = ReportSummary(
        doc=gold.doc, text=text, meta=gold.meta, indicators=indicators, run=RUN, **sections
    )
    return summary, text


@pytest.fixture
def pair() -> tuple[ReportSummary, str]:
    return from_gold(DATA / f"{PAIR}.gold.json")


def stress(words: int = 60, commas: bool = True) -> ReportSummary:
    """Far more, and longer, content than any report: the caps must still hold."""
    vocab = VOCAB.split()
    said = [Evidence(quote="x", start=0, end=1)]

    def line(n: int, seed: int) -> str:
        """``n`` words, in clauses of four separated by commas when ``commas``."""
        words = [vocab[(i + seed) % len(vocab)] for i in range(n)]
        return " ".join(w + ("," if commas and i % 4 == 3 else "") for i, w in enumerate(words))

    indicators = [
        Indicator(
            name=line(18, i),
            value=123456.789,
            unit="tỷ đồng",
            plan_pct=[PlanPct(pct=188.25, basis="dự toán tỉnh giao"), PlanPct(pct=99, basis="KH")],
            same_period_pct=193.3,
            change_pct=-12.75,
            kind="target" if i % 5 == 0 else "result",
            evidence=said,
        )
        for i in range(40)
    ]
    items = {
        sec: [
            SectionItem(
                text=line(words, i),
                sector=f"Lĩnh vực {i}",
                evidence=[Evidence(quote="y", start=2, end=3)],  # not an indicator's span
            )
            for i in range(25)
        ]
        for sec in SECTIONS
    }
    meta = Meta(
        unit_name="Hồ Chí Minh",
        unit_kind="thành phố",
        body="Ban Chấp hành Đảng bộ thành phố",
        meeting_no=123,
        term="XXVIII",
        period="9 tháng đầu năm 2024 và phương hướng, nhiệm vụ quý IV năm 2024",
    )
    return ReportSummary(doc="x.txt", meta=meta, indicators=indicators, run=RUN, **items)


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (8360, "8.360"),
        (768.8, "768,8"),
        (1401.351, "1.401,351"),
        (100.0, "100"),
        (0, "0"),
        (999, "999"),
        (1234567.5, "1.234.567,5"),
        (0.1 + 0.2, "0,3"),
        (-0.72, "-0,72"),
    ],
)
def test_format_number(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_heading_line(pair: tuple[ReportSummary, str]) -> None:
    summary, _ = pair
    assert heading_line(summary.meta) == (
        "Huyện Hậu Lộc — 6 tháng đầu năm 2023 — Hội nghị BCH Đảng bộ huyện lần thứ 17, khóa XXVII"
    )
    assert heading_line(Meta()) == ""
    # a period written without its year ("6 tháng") is shown with the year the report reviews
    assert heading_line(Meta(period="6 tháng", year=2031)) == "6 tháng năm 2031"
    assert heading_line(Meta(period="9 tháng năm 2031", year=2031)) == "9 tháng năm 2031"
    assert heading_line(Meta(unit_name="Cẩm Xuyên", unit_kind="huyện", province="Hà Tĩnh")) == (
        "Huyện Cẩm Xuyên (Hà Tĩnh)"
    )


def test_indicator_columns_order_and_same_period_wording() -> None:
    said = [Evidence(quote="x", start=0, end=1)]
    summary = ReportSummary(
        meta=Meta(),
        run=RUN,
        indicators=[
            Indicator(name="Mục tiêu A", value=5, kind="target", evidence=said),
            Indicator(name="Thu", value=768.8, unit="tỷ đồng", change_pct=12.6, evidence=said),
            Indicator(
                name="Chi", value=21, of_total=21, unit="xã", change_pct=-0.72, evidence=said
            ),
            Indicator(
                name="Ngân sách",
                value=1,
                plan_pct=[PlanPct(pct=97.2, basis="kế hoạch"), PlanPct(pct=72.6, basis="dự toán")],
                same_period_pct=75,
                evidence=said,
            ),
        ],
    )
    briefing = build_briefing(summary)
    # against the plan first, then against the same period; targets apart, after the results
    assert [r.name for r in briefing.rows] == ["Ngân sách", "Thu", "Chi"]
    assert [r.name for r in briefing.targets] == ["Mục tiêu A"]
    assert briefing.rows[1].cells == ("Thu", "768,8 tỷ đồng", "", "tăng 12,6%")
    assert briefing.rows[2].value == "21/21 xã" and briefing.rows[2].same_period == "giảm 0,72%"
    assert briefing.rows[0].plan == "97,2% kế hoạch; 72,6% dự toán"
    assert briefing.rows[0].same_period == "bằng 75%"  # a ratio, said as one


def test_qualifier_range_and_whole_names() -> None:
    said = [Evidence(quote="x", start=0, end=1)]
    long_name = "Tỷ lệ hộ gia đình ở các thôn vùng cao được dùng nước sạch theo quy chuẩn mới"
    summary = ReportSummary(
        meta=Meta(),
        run=RUN,
        indicators=[
            Indicator(name="Tỷ lệ che phủ", value=90, unit="%", qualifier="trên", evidence=said),
            Indicator(
                name="Tăng trưởng", value=5, value_high=7, unit="%", kind="target", evidence=said
            ),
            Indicator(name=long_name, value=1200, unit="hộ", qualifier="gần", evidence=said),
        ],
    )
    briefing = build_briefing(summary)
    values = {r.name: r.value for r in [*briefing.rows, *briefing.targets]}
    assert values == {"Tỷ lệ che phủ": "trên 90%", "Tăng trưởng": "5–7%", long_name: "gần 1.200 hộ"}
    html = render_briefing(summary, "html")
    md = render_briefing(summary, "md")
    assert isinstance(html, str) and isinstance(md, str)
    assert long_name in html and long_name in md  # wraps in its cell, never cut


# --- markdown -----------------------------------------------------------------------------


def test_markdown_briefing(pair: tuple[ReportSummary, str]) -> None:
    summary, _ = pair
    md = render_briefing(summary, "md", today=TODAY)
    assert isinstance(md, str)
    assert "Huyện Hậu Lộc" in md and "6 tháng đầu năm 2023" in md and "03/07/2023" in md
    row = next(line for line in md.splitlines() if "8.360" in line)
    assert row == "| Tổng diện tích gieo trồng | 8.360 ha | 97,2% kế hoạch | bằng 100,2% |"
    assert "| 768,8 tỷ đồng | 82,7% dự toán tỉnh giao; 72,6% dự toán huyện giao | — |" in md
    for title in ("Chỉ tiêu chủ yếu", *SECTION_TITLES.values()):
        assert f"\n## {title}\n" in md
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert "- Văn hoá - xã hội chuyển biến tiến bộ" in md
    assert len(bullets) >= 10
    # an achievement that is only figures the table shows is not repeated as a bullet
    assert "- Tổng diện tích gieo trồng 8.360 ha" not in md
    assert "_Báo cáo không nêu._" in md  # no shortcomings in this report
    assert md_escape(summary.doc or "") in md and "qwen-test" in md and "02/01/2024" in md


def test_markdown_escapes_table_cells(pair: tuple[ReportSummary, str]) -> None:
    summary, _ = pair
    summary.indicators[2].name = "Diện tích | gieo trồng"
    summary.indicators[2].unit = "ha|năm"
    md = render_briefing(summary, "md")
    row = next(line for line in md.splitlines() if "8.360" in line)
    assert r"Diện tích \| gieo trồng" in row
    cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    assert len(cells) == len(COLUMNS)


def test_unknown_format(pair: tuple[ReportSummary, str]) -> None:
    with pytest.raises(ConfigError):
        render_briefing(pair[0], "pdf")


# --- html ---------------------------------------------------------------------------------


def test_html_briefing_escapes_and_is_self_contained(pair: tuple[ReportSummary, str]) -> None:
    summary, _ = pair
    summary.achievements[0].text = f"Kết quả {SCRIPT} tốt"
    summary.indicators[2].name = f"Diện tích {SCRIPT}"
    summary.meta.unit_name = f"Hậu Lộc {SCRIPT}"
    html = render_briefing(summary, "html", today=TODAY)
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert "Kết quả &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; tốt" in html
    assert "http://" not in html and "https://" not in html and not EXTERNAL.search(html)
    assert "@page { size: A4; margin: 12mm; }" in html
    assert "8.360 ha" in html and "97,2% kế hoạch" in html
    assert f"Nguồn: {summary.doc}" in html and "qwen-test" in html and "02/01/2024" in html


def test_caps_cut_and_say_so() -> None:
    html = render_briefing(stress(), "html")
    briefing = build_briefing(stress())
    assert 0 < len(briefing.rows) <= 12 and briefing.rows_hidden == 40 - len(briefing.rows)
    assert not briefing.targets  # 32 results leave no row to the 8 targets
    assert f"+{briefing.rows_hidden} mục khác" in html
    for sec in briefing.sections:
        assert sec.hidden > 0 and f"+{sec.hidden} mục khác" in html
        for text in sec.items:  # 60-word items end at a clause boundary within 36 words
            assert len(text.split()) <= 36 and text.endswith("…")
            assert text[:-1].split()[-1] in VOCAB.split()  # a whole word, no comma before "…"


def test_sectors_are_not_headings_and_order_is_ranked(pair: tuple[ReportSummary, str]) -> None:
    """Sector sub-headings cost a line each and break most-important-first: not shown."""
    summary, _ = pair
    for i, item in enumerate(summary.tasks):
        item.sector = "Kinh tế" if i % 2 else "Xã hội"
    md = render_briefing(summary, "md")
    assert isinstance(md, str)
    assert "**Kinh tế**" not in md and "**Xã hội**" not in md


def test_html_bars_mark_plans_below_and_met() -> None:
    said = [Evidence(quote="x", start=0, end=1)]
    summary = ReportSummary(
        meta=Meta(),
        run=RUN,
        indicators=[
            Indicator(name="Thu", value=9, plan_pct=[PlanPct(pct=48, basis="KH")], evidence=said),
            Indicator(name="Chi", value=8, plan_pct=[PlanPct(pct=100, basis="KH")], evidence=said),
            Indicator(name="Vay", value=7, plan_pct=[PlanPct(pct=210, basis="KH")], evidence=said),
        ],
    )
    html = render_briefing(summary, "html")
    assert isinstance(html, str)
    bars = re.findall(r'<span class="bar (below|met)"[^>]*><i style="width: ([\d.]+)%"></i>', html)
    assert bars == [("below", "32.0"), ("met", "66.7"), ("met", "100.0")]  # track: 0-150%
    css = html[html.index("<style>") : html.index("</style>")]
    # below plan is hollow (a thin outline), met is a solid fill: apart without colour
    assert re.search(r"\.bar > i \{[^}]*border: 1\.2mm solid", css)
    assert re.search(r"\.bar\.below > i \{[^}]*border: \.8pt solid", css)
    assert "<script" not in html and "<img" not in html and "url(" not in css


def test_a_threshold_is_said_as_one_and_gets_no_bar() -> None:
    said = [Evidence(quote="x", start=0, end=1)]
    floor = PlanPct(pct=75, basis="kế hoạch trở lên")  # "đều đạt từ 75% kế hoạch trở lên"
    summary = ReportSummary(
        meta=Meta(),
        run=RUN,
        indicators=[
            Indicator(
                name="Số chỉ tiêu", value=31, unit="chỉ tiêu", plan_pct=[floor], evidence=said
            ),
            Indicator(name="Thu", value=9, plan_pct=[PlanPct(pct=48, basis="KH")], evidence=said),
        ],
    )
    html = render_briefing(summary, "html")
    md = render_briefing(summary, "md")
    assert isinstance(html, str) and isinstance(md, str)
    assert "từ 75% kế hoạch trở lên" in md and "từ 75% kế hoạch trở lên" in html
    assert re.findall(r'<span class="bar (below|met)"', html) == ["below"]  # Thu's only


# --- docx ---------------------------------------------------------------------------------


def test_docx_briefing(pair: tuple[ReportSummary, str]) -> None:
    summary, _ = pair
    data = render_briefing(summary, "docx", today=TODAY)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    doc = Document(io.BytesIO(data))
    briefing = build_briefing(summary, today=TODAY)
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == list(COLUMNS)
    assert len(table.rows) == 1 + len(briefing.rows)
    for row, expected in zip(table.rows[1:], briefing.rows, strict=True):
        assert tuple(c.text for c in row.cells) == expected.cells
    area = next(r for r in table.rows if r.cells[0].text == "Tổng diện tích gieo trồng")
    assert [c.text for c in area.cells[1:]] == ["8.360 ha", "97,2% kế hoạch", "bằng 100,2%"]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for title in ("Chỉ tiêu chủ yếu", *SECTION_TITLES.values()):
        assert title in headings
    texts = [p.text for p in doc.paragraphs]
    assert heading_line(summary.meta) in texts  # diacritics round-trip
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    expected = [t for s in briefing.sections for t in s.items]
    assert bullets == expected and any("Văn hoá - xã hội" in b for b in bullets)
    footer = texts[-1]
    assert summary.doc in footer and "qwen-test" in footer and "02/01/2024" in footer
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_docx_sets_targets_apart() -> None:
    said = [Evidence(quote="x", start=0, end=1)]
    summary = ReportSummary(
        meta=Meta(),
        run=RUN,
        indicators=[
            Indicator(name="Sản phẩm OCOP", value=4, unit="sản phẩm", kind="target", evidence=said),
            Indicator(name="Thu ngân sách", value=61.4, unit="tỷ đồng", evidence=said),
        ],
    )
    data = render_briefing(summary, "docx")
    assert isinstance(data, bytes)
    doc = Document(io.BytesIO(data))
    results, targets = doc.tables
    assert [c.text for c in results.rows[1].cells[:2]] == ["Thu ngân sách", "61,4 tỷ đồng"]
    assert targets.rows[0].cells[0].text == "Mục tiêu"
    assert [c.text for c in targets.rows[1].cells[:2]] == ["Sản phẩm OCOP", "4 sản phẩm"]
    assert any(p.text.startswith("Mục tiêu đề ra (chưa phải kết quả)") for p in doc.paragraphs)


# --- review -------------------------------------------------------------------------------


class _ReportText(HTMLParser):
    """The text of ``#report`` and, per character, the item numbers of the marks around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack: list[tuple[set[int], set[str]]] = []
        self.chars: list[str] = []
        self.cover: list[set[int]] = []
        self.classes: list[set[str]] = []
        self.ids: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"] or ""] = len(self.chars)
        if self.depth:
            self.depth += 1
            numbers = {int(n) for n in (a.get("data-ev") or "").split()}
            self.stack.append((numbers, set((a.get("class") or "").split())))
        elif tag == "div" and a.get("id") == "report":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if self.stack and self.depth:
                self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        numbers = set().union(*(n for n, _ in self.stack)) if self.stack else set()
        classes = set().union(*(c for _, c in self.stack)) if self.stack else set()
        for ch in data:
            self.chars.append(ch)
            self.cover.append(numbers)
            self.classes.append(classes)


def parse_review(html: str) -> _ReportText:
    parser = _ReportText()
    parser.feed(html)
    parser.close()
    return parser


def numbered(summary: ReportSummary) -> list[tuple[int, str, Indicator | SectionItem]]:
    kinds = {"indicators": "indicator", "achievements": "achievement"}
    kinds |= {"shortcomings": "shortcoming", "tasks": "task"}
    out = [(key, item) for key in kinds for item in getattr(summary, key)]
    return [(n, kinds[key], item) for n, (key, item) in enumerate(out, start=1)]


def assert_marked(summary: ReportSummary, text: str, html: str) -> None:
    page = parse_review(html)
    assert "".join(page.chars) == text
    for n, kind, item in numbered(summary):
        assert f'href="#ev-{n}"' in html
        assert page.ids[f"ev-{n}"] == item.evidence[0].start
        for e in item.evidence:
            for i in range(e.start, e.end):
                assert n in page.cover[i] and f"k-{kind}" in page.classes[i], (n, e.quote)
    assert len(re.findall(r'id="ev-\d+"', html)) == len(numbered(summary))


def test_review_marks_every_span(pair: tuple[ReportSummary, str]) -> None:
    summary, text = pair
    html = render_review(summary, text)
    assert_marked(summary, text, html)
    assert '<mark id="ev-1" class="k-achievement k-indicator multi"' in html  # nested quotes
    assert "http://" not in html and "https://" not in html and not EXTERNAL.search(html)


def test_review_overlaps_and_escaping() -> None:
    raw = (DATA / f"{PAIR}.txt").read_text(encoding="utf-8")
    text = f"{SCRIPT} & <b>nội dung</b>\n{raw}"
    summary, text = from_gold(DATA / f"{PAIR}.gold.json", text)
    a, b = summary.achievements[3].evidence[0], summary.achievements[4].evidence[0]
    # One item crossing two others' boundaries, one identical to another, one on the script.
    for start, end in ((a.start + 5, b.start + 12), (b.start, b.end), (0, len(SCRIPT) + 5)):
        summary.shortcomings.append(
            SectionItem(text="x", evidence=[Evidence(quote=text[start:end], start=start, end=end)])
        )
    html = render_review(summary, text)
    assert SCRIPT not in html and "<b>nội" not in html
    assert_marked(summary, text, html)


def test_review_relocates_or_reports_bad_spans(pair: tuple[ReportSummary, str]) -> None:
    summary, text = pair
    quote = summary.tasks[0].evidence[0].quote
    summary.tasks[0].evidence = [Evidence(quote=quote, start=0, end=len(quote))]  # wrong place
    summary.tasks[1].evidence = [Evidence(quote="không có trong báo cáo", start=0, end=22)]
    html = render_review(summary, text)
    page = parse_review(html)
    assert "".join(page.chars) == text
    n_task0 = len(summary.indicators) + len(summary.achievements) + 1
    assert page.ids[f"ev-{n_task0}"] == text.index(quote)
    assert f"ev-{n_task0 + 1}" not in page.ids and "không tìm thấy trong văn bản" in html


# --- one A4 page --------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def replayed(path: Path) -> ReportSummary:
    """An accepted pipeline summary, with the report text and seconds it is stored without."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["run"]["seconds"] = 0.0
    text = (DATA / data["doc"]).read_text(encoding="utf-8-sig")
    data["text"] = unicodedata.normalize("NFC", text)
    return ReportSummary.model_validate(data)


@pytest.mark.parametrize(
    "case",
    [
        *(p.name.split(".")[0] for p in GOLDS),
        *(f"replayed-{p.name[:3]}" for p in REPLAYED),
        "stress",
        "stress-long-clauses",
        "stress-unbroken",
    ],
)
def test_html_briefing_prints_on_one_page(case: str, tmp_path: Path) -> None:
    need(CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None, "chromium is not installed")
    if case.startswith("stress"):
        summary = stress(words=30 if case == "stress" else 120, commas=case != "stress-unbroken")
    elif case.startswith("replayed-"):
        summary = replayed(next(p for p in REPLAYED if p.name.startswith(case[-3:])))
    else:
        summary, _ = from_gold(next(p for p in GOLDS if p.name.startswith(case)))
    page = tmp_path / "briefing.html"
    page.write_text(render_briefing(summary, "html"), encoding="utf-8")
    out = tmp_path / "briefing.pdf"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert pdf_pages(out.read_bytes()) == 1


def test_templates_folder_is_found() -> None:
    folder = templates_dir()
    for name in ("briefing.md.j2", "briefing.html.j2", "review.html.j2"):
        assert (folder / name).is_file()
