"""The monthly chart report: one self-contained HTML file (charts as base64 PNG, no external files).

Charts are drawn with matplotlib's Agg backend (no display needed). Every text that may have come
from outside (province names from the lists) is escaped for HTML, and matplotlib's mathtext is off so
a name with a `$` is drawn as written.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ocop_pipeline.text.folding import fold_key

if TYPE_CHECKING:
    from ocop_pipeline.publish.extract import Extract

STAR_COLOURS = {3: "#9ecae1", 4: "#4292c6", 5: "#08519c"}

HEADINGS = {
    "current": "Sản phẩm còn hiệu lực theo tỉnh/thành phố (34 đơn vị từ 01/7/2025)",
    "legacy": "Sản phẩm còn hiệu lực theo tỉnh/thành phố cũ (63 đơn vị trước 01/7/2025)",
    "years": "Số lần xếp hạng theo năm và hạng sao",
    "subjects": "Chủ thể có sản phẩm còn hiệu lực theo loại hình",
}

# The coverage table (core/coverage.py): what a reader checks before trusting a province's count.
COVERAGE_HEADING = "Độ phủ dữ liệu theo tỉnh và năm (34 đơn vị)"
COVERAGE_NOTE = ("Sản phẩm từ danh sách chính thức, bài báo có kết quả công nhận, số lượng lớn nhất một bài "
                 "báo nêu (không cộng dồn), xếp hạng và sản phẩm chỉ biết qua báo chí, đợt công nhận báo chí "
                 "nêu mà chưa có danh sách.")
COVERAGE_COLUMNS = ("Tỉnh/Thành phố", "Năm", "Sản phẩm (danh sách)", "Bài báo", "Số lượng lớn nhất (báo)",
                    "Xếp hạng chỉ qua báo", "Sản phẩm chỉ qua báo", "Đợt chưa có danh sách")


def _png(fig) -> str:
    """The figure as base64 PNG text."""
    buf = io.BytesIO()
    # fixed margins (set by each chart) rather than bbox_inches="tight", which draws everything twice
    fig.savefig(buf, format="png", dpi=90, metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _stacked_barh(plt, rows: Sequence[tuple], title: str) -> str:
    """Horizontal bars per province, stacked by 3/4/5 stars; rows are (name, n3, n4, n5)."""
    from matplotlib.ticker import MaxNLocator

    # largest at the top, ties in alphabetical order (barh draws its first row at the bottom)
    rows = sorted(rows, key=lambda r: (-sum(r[1:]), fold_key(r[0]), r[0]))[::-1]
    fig, ax = plt.subplots(figsize=(9, max(3.0, 0.22 * len(rows) + 1)))
    names = [r[0] for r in rows]
    left = [0] * len(rows)
    for i, stars in enumerate((3, 4, 5), start=1):
        values = [r[i] for r in rows]
        ax.barh(names, values, left=left, color=STAR_COLOURS[stars], label=f"{stars} sao")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("Số sản phẩm")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(loc="lower right")
    height = fig.get_figheight()
    fig.subplots_adjust(left=0.24, right=0.97, top=1 - 0.45 / height, bottom=0.6 / height)
    return _png(fig)


def _ratings_by_year(plt, rows: Sequence[tuple]) -> str:
    """Stacked columns: ratings per year by stars; rows are (year, stars, n)."""
    from matplotlib.ticker import MaxNLocator

    years = sorted({r[0] for r in rows})
    fig, ax = plt.subplots(figsize=(8, 4))
    bottom = [0] * len(years)
    for stars in (3, 4, 5):
        values = [sum(n for y, s, n in rows if y == year and s == stars) for year in years]
        ax.bar([str(y) for y in years], values, bottom=bottom, color=STAR_COLOURS[stars], label=f"{stars} sao")
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    ax.set_ylabel("Số lần xếp hạng")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(HEADINGS["years"], fontsize=10)
    ax.legend()
    fig.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.1)
    return _png(fig)


def _subject_types(plt, rows: Sequence[tuple]) -> str:
    from matplotlib.ticker import MaxNLocator

    fig, ax = plt.subplots(figsize=(7, 3))
    ax.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color="#4292c6")
    ax.set_xlabel("Số chủ thể")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(HEADINGS["subjects"], fontsize=10)
    fig.subplots_adjust(left=0.28, right=0.97, top=0.85, bottom=0.17)
    return _png(fig)


def render_report(extract: Extract, version: int | None = None) -> str:
    """The report of one month's extract as an HTML document (a str)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must be chosen before pyplot is imported
    import matplotlib.pyplot as plt

    facts = extract.facts
    rc = {"text.parse_math": False, "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(rc):
        try:
            images = {
                "current": _stacked_barh(plt, facts["by_current_province"], HEADINGS["current"]),
                "legacy": _stacked_barh(plt, facts["by_legacy_province"], HEADINGS["legacy"]),
                "years": _ratings_by_year(plt, facts["ratings_by_year"]),
                "subjects": _subject_types(plt, facts["subject_types"]),
            }
        finally:
            plt.close("all")

    stars = facts["active_by_stars"]
    summary_rows = "".join(
        f"<tr><td>{stars_n} sao</td><td>{stars.get(stars_n, 0):,}</td></tr>" for stars_n in (3, 4, 5))
    changes = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,}</td></tr>" for k, v in facts["changes"].items())
    title = f"Báo cáo OCOP tháng {extract.month}" + (f" (phiên bản v{version})" if version else "")
    coverage = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v)) if v is not None else ''}</td>" for v in row) + "</tr>"
        for row in facts.get("coverage", []))
    sections = "".join(f"<h2>{html.escape(HEADINGS[key])}</h2>\n{_img(images[key], HEADINGS[key])}\n"
                       for key in ("current", "legacy", "years", "subjects"))
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; max-width: 960px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
td, th {{ border: 1px solid #ccc; padding: 0.2em 0.8em; text-align: left; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p>Số liệu chốt đến hết ngày {extract.cutoff.strftime("%d/%m/%Y")}. Nguồn: cơ sở dữ liệu OCOP quốc gia.</p>
<h2>Tổng quan</h2>
<table><tr><th>Hạng sao</th><th>Sản phẩm còn hiệu lực</th></tr>{summary_rows}</table>
<h2>Biến động trong tháng</h2>
<table><tr><th>Loại biến động</th><th>Số sản phẩm</th></tr>{changes}</table>
{sections}<h2>{html.escape(COVERAGE_HEADING)}</h2>
<p>{html.escape(COVERAGE_NOTE)}</p>
<table><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in COVERAGE_COLUMNS)}</tr>{coverage}</table>
</body>
</html>
"""
