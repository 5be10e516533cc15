"""The plan as an A4 PDF (fpdf2), readable on paper and on a phone.

Layout: the title, the intro and the day the plan was made; then each section with a heading,
its items as bullets and their details indented beneath. The person's own words are in curly
quotes; a worker's notes start with "Worker's note:" in grey, so the two never mix. When reviews
gave ratings, "Progress so far" ends with a small chart per outcome (how close, 1 to 10, over
time). Every page has "page N of M" at the foot; the document's title is set in its metadata.

Text is drawn with DejaVu Sans, shipped in ``bot/plans/fonts/`` (free licence, copied there with
its LICENSE), so accents, curly quotes, Greek, Cyrillic and many symbols print as typed. A
character the font cannot draw (most emoji) is replaced by its name in brackets, e.g.
"[thumbs up sign]", rather than dropped or crashing. If the font files are missing (a trimmed
install), the system's DejaVu is used, and failing that a built-in PDF font with the text
simplified to Latin-1: a plainer PDF, never an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.plans.structure import RATING_SCALE, Detail, Item, Plan, Rating, Section, plain_date

FONT_DIRS = (Path(__file__).with_name("fonts"), Path("/usr/share/fonts/truetype/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FAMILY = "PlanSans"
WORKER_NOTE = "Worker's note:"

# Sizes in millimetres and points.
MARGIN = 18.0
BULLET_INDENT = 6.0
DETAIL_INDENT = 12.0
BODY_PT, LINE = 11, 5.6
SMALL_PT, SMALL_LINE = 9, 4.6
INK = (33, 33, 33)
ACCENT = (0, 94, 110)  # headings, chart lines: a dark teal that prints well in grey too
MUTED = (96, 96, 96)
RULE = (200, 200, 200)
CHART_WIDTH, CHART_HEIGHT, CHART_LABEL = 96.0, 22.0, 66.0
CHART_POINTS = 12  # the latest ratings shown per outcome

# Where a built-in (Latin-1) font has to be used: the nearest plain characters.
_PLAIN = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "•": "-",
        "→": "->",
        "·": "-",
    }
)
_INVISIBLE = {"Mn", "Me", "Cf", "Cc", "Sk"}  # marks, joiners, variation selectors, skin tones


@lru_cache(maxsize=1)
def _font_files() -> tuple[Path, Path] | None:
    """The first folder holding both DejaVu Sans files, or ``None``."""
    for folder in FONT_DIRS:
        regular, bold = folder / REGULAR, folder / BOLD
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


@lru_cache(maxsize=4)
def _coverage(path: Path) -> frozenset[int]:
    """The code points ``path`` has glyphs for."""
    from fontTools.ttLib import TTFont  # fpdf2's own dependency

    with TTFont(str(path), lazy=True) as font:
        return frozenset(font.getBestCmap())


_LATIN_1 = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))


def _printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with only characters the font can draw; others by name, e.g. "[pile of poo]"."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) == "Cf":
            continue  # joiners and other format marks: nothing to draw without text shaping
        if ord(char) in covered:
            out.append(char)
        elif char in "\t\n\r":
            out.append(" ")
        elif unicodedata.category(char) in _INVISIBLE:
            continue
        else:
            name = unicodedata.name(char, "")
            out.append(f"[{name.lower()}]" if name else "?")
    return "".join(out)


def _latin_1(text: str) -> str:
    """For the built-in font: curly punctuation made plain, accents kept where Latin-1 has
    them, other letters without their accents, anything else as "?"."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text.translate(_PLAIN)):
        if ord(char) in _LATIN_1:
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if ord(c) in _LATIN_1
        )  # "ł" has no decomposition: "?"
        out.append(base or ("" if unicodedata.category(char) in _INVISIBLE else "?"))
    return "".join(out)


class _PlanPDF(FPDF):
    """An A4 page set with the plan's fonts and a "page N of M" footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        files = _font_files()
        if files is not None:
            self.add_font(FAMILY, "", str(files[0]))
            self.add_font(FAMILY, "B", str(files[1]))
            self.plan_family = FAMILY
            regular, bold = _coverage(files[0]), _coverage(files[1])
            self._fit: Callable[[str, bool], str] = lambda text, strong: _printable(
                text, bold if strong else regular
            )
            self.bullet, self.arrow = "•", "→"
        else:
            self.plan_family = "Helvetica"
            self._fit = lambda text, strong: _latin_1(text)
            self.bullet, self.arrow = "-", "->"
        self.footer_text = self._fit(footer_text, False)

    def text_for(self, text: str, *, bold: bool = False) -> str:
        return self._fit(text, bold)

    def style(self, size: float, *, bold: bool = False, colour: tuple[int, int, int] = INK):
        self.set_font(self.plan_family, "B" if bold else "", size)
        self.set_text_color(*colour)

    def footer(self) -> None:
        self.set_y(-12)
        self.style(8, colour=MUTED)
        self.cell(0, 5, f"{self.footer_text} · page {self.page_no()} of {{nb}}", align="C")

    def put(self, text: str, *, bold: bool = False, colour=INK, size=BODY_PT, h=LINE) -> None:
        """Flowing text from the current position, wrapping to the current left margin."""
        self.style(size, bold=bold, colour=colour)
        self.write(h, self.text_for(text, bold=bold))

    def new_line(self, h: float = LINE) -> None:
        self.ln(h)


def _quoted(text: str, quoted: bool) -> str:
    return f"“{text}”" if quoted else text


def _marks(item: Item) -> str:
    marks = [m for m in (item.tag, "achieved" if item.achieved else None) if m]
    return f"  ({' · '.join(marks)})" if marks else ""


def _header(pdf: _PlanPDF, plan: Plan) -> None:
    pdf.style(20, bold=True, colour=ACCENT)
    pdf.multi_cell(
        0, 9, pdf.text_for(plan.title, bold=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    pdf.ln(2)
    pdf.style(BODY_PT)
    pdf.multi_cell(
        0, LINE, pdf.text_for(plan.intro), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    pdf.ln(1)
    pdf.style(SMALL_PT, colour=MUTED)
    pdf.multi_cell(
        0,
        SMALL_LINE,
        f"Made on {plain_date(plan.created)}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )


def _heading(pdf: _PlanPDF, text: str) -> None:
    # Keep a heading with at least a few lines of its section.
    if pdf.get_y() > pdf.page_break_trigger - 30:
        pdf.add_page()
    else:
        pdf.ln(5)
    pdf.style(14, bold=True, colour=ACCENT)
    pdf.multi_cell(
        0, 7, pdf.text_for(text, bold=True), new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
    )
    y = pdf.get_y() + 0.5
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, pdf.w - MARGIN, y)
    pdf.ln(2.5)


def _detail(pdf: _PlanPDF, detail: Detail) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.put(f"{detail.label}: ", bold=True, colour=MUTED, size=SMALL_PT + 1, h=5)
    if detail.worker_note:
        pdf.put(f"{WORKER_NOTE} ", bold=True, colour=MUTED, size=SMALL_PT + 1, h=5)
    pdf.put(_quoted(detail.text, detail.quoted), size=SMALL_PT + 1, h=5)
    pdf.new_line(5)


def _item(pdf: _PlanPDF, item: Item) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 2 * LINE:
        pdf.add_page()
    pdf.set_left_margin(MARGIN)
    pdf.set_x(MARGIN)
    pdf.put(pdf.bullet, colour=ACCENT)
    pdf.set_left_margin(MARGIN + BULLET_INDENT)
    pdf.set_x(MARGIN + BULLET_INDENT)
    if item.worker_note:
        pdf.put(f"{WORKER_NOTE} ", bold=True, colour=MUTED)
    pdf.put(_quoted(item.text, item.quoted), colour=MUTED if item.worker_note else INK)
    marks = _marks(item)
    if marks:
        pdf.put(marks, colour=MUTED, size=SMALL_PT)
    pdf.new_line()
    pdf.set_left_margin(MARGIN + DETAIL_INDENT)
    for detail in item.details:
        _detail(pdf, detail)
    pdf.set_left_margin(MARGIN)
    pdf.ln(1.5)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _month(rating: Rating) -> str:
    return f"{rating.at:%b %Y}" if rating.at else ""


def _chart_row(pdf: _PlanPDF, item: Item) -> None:
    """One outcome's ratings as a small line chart: 1 at the bottom, 10 at the top."""
    ratings = item.ratings[-CHART_POINTS:]
    row = CHART_HEIGHT + 12
    if pdf.get_y() + row > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y() + 3
    left = pdf.w - MARGIN - CHART_WIDTH

    # The outcome, shortened, beside its chart.
    pdf.set_xy(MARGIN, top)
    pdf.style(SMALL_PT)
    label = _quoted(_short(item.text, 90), item.quoted)
    pdf.multi_cell(CHART_LABEL, SMALL_LINE, pdf.text_for(label), new_x=XPos.LMARGIN, align="L")

    # Frame and guide lines at 1, 5 and 10.
    def y_of(value: float) -> float:
        return top + CHART_HEIGHT - (value - 1) / (RATING_SCALE - 1) * CHART_HEIGHT

    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    for guide in (1, 5, RATING_SCALE):
        pdf.line(left, y_of(guide), left + CHART_WIDTH, y_of(guide))
        pdf.style(6.5, colour=MUTED)
        pdf.set_xy(left - 7, y_of(guide) - 1.6)
        pdf.cell(6, 3.2, str(guide), align="R")

    pad = 6.0
    span = CHART_WIDTH - 2 * pad
    step = span / (len(ratings) - 1) if len(ratings) > 1 else 0.0
    points = [(left + pad + i * step, y_of(r.value)) for i, r in enumerate(ratings)]
    pdf.set_draw_color(*ACCENT)
    pdf.set_fill_color(*ACCENT)
    pdf.set_line_width(0.6)
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        pdf.line(x1, y1, x2, y2)
    for (x, y), rating in zip(points, ratings, strict=True):
        pdf.rect(x - 1, y - 1, 2, 2, style="F")
        pdf.style(7, bold=True, colour=ACCENT)
        pdf.set_xy(x - 4, y - 5)
        pdf.cell(8, 3, str(rating.value), align="C")

    # First and last month under the chart.
    pdf.style(6.5, colour=MUTED)
    first, last = _month(ratings[0]), _month(ratings[-1])
    if first:
        pdf.set_xy(points[0][0] - 10, top + CHART_HEIGHT + 1)
        pdf.cell(20, 3, first, align="C")
    if last and len(points) > 1 and last != first:
        pdf.set_xy(points[-1][0] - 10, top + CHART_HEIGHT + 1)
        pdf.cell(20, 3, last, align="C")
    pdf.set_xy(MARGIN, top + row - 3)


def _chart(pdf: _PlanPDF, section: Section) -> None:
    rated = [item for item in section.items if item.ratings]
    if not rated:
        return
    if pdf.get_y() > pdf.page_break_trigger - (CHART_HEIGHT + 24):
        pdf.add_page()
    pdf.ln(2)
    pdf.style(BODY_PT, bold=True, colour=ACCENT)
    pdf.multi_cell(
        0,
        LINE,
        pdf.text_for(f"How close, over time (1 to {RATING_SCALE})", bold=True),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        align="L",
    )
    for item in rated:
        _chart_row(pdf, item)


def plan_pdf(plan: Plan) -> bytes:
    """The plan as PDF bytes (A4, page numbers, title in the document's metadata)."""
    pdf = _PlanPDF(footer_text=plan.title)
    pdf.set_title(pdf.text_for(plan.title))
    pdf.set_subject("A personal outcomes plan: what matters to me")
    pdf.set_creator("Outcomes Coach")
    pdf.set_lang("en-GB")
    pdf.set_creation_date(datetime.combine(plan.created, time(), tzinfo=UTC))
    pdf.alias_nb_pages()
    pdf.add_page()
    _header(pdf, plan)
    for section in plan.sections:
        _heading(pdf, section.heading)
        for item in section.items:
            _item(pdf, item)
        if section.key == "progress":
            _chart(pdf, section)
    return bytes(pdf.output())


__all__ = ["plan_pdf"]
