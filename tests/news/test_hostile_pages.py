"""Hostile and broken pages (issue 14): each refused by name, or read, within a bounded time.

Time bounds are generous multiples of what a loaded two-core machine takes (the fastest are ~0.5 s),
so they catch a return of the quadratic costs (minutes) without ever flaking."""

import time

import pytest

from ocop_pipeline.news import page_text as pt
from ocop_pipeline.news.article import extract_article
from tests.support import hostile_pages as hp


def _refusal(page: bytes) -> tuple[str | None, float]:
    start = time.perf_counter()
    try:
        extract_article(page, url="https://bao.example.vn/a/1.html")
    except pt.PageRefused as exc:
        return exc.reason, time.perf_counter() - start
    return None, time.perf_counter() - start


def test_the_bounds_live_in_one_place_with_their_documented_values():
    assert (pt.MAX_DOM_DEPTH, pt.DEPTH_CHECK_MIN_TAGS, pt.MAX_BLOCKS, pt.MAX_BLOCK_CHARS, pt.MAX_TAGS) == (
        1024, 8192, 20_000, 100_000, 250_000)


def test_dom_depth_counts_open_containers_not_void_or_self_closing_ones():
    assert pt.dom_depth("<div><div></div></div>") == 2
    assert pt.dom_depth("</div></div><div><div><div></div>") == 3  # stray closes do not hide depth
    assert pt.dom_depth("<p><p><p><div><br><img><li><td>") == 1
    assert pt.dom_depth("<!-- <div><div> --><div>") == 1
    assert pt.dom_depth("<script>if (a<b) x = '<div><div>'</script><span>") == 1
    assert pt.dom_depth("<UL><li>a<Ul><LI>b") == 2


def test_200000_nested_divs_are_refused_in_well_under_a_second():
    reason, took = _refusal(hp.nested_divs(200_000))
    assert reason == "DOM deeper than 1024 levels"
    assert took < 10  # ~0.3 s; 415 s before the bound


def test_deep_but_few_tags_is_read_and_just_over_the_limit_is_refused():
    # Under DEPTH_CHECK_MIN_TAGS tags the page is parsed as it is (cheap at that size).
    assert _refusal(hp.nested_divs(2_000))[0] is None
    reason, _ = _refusal(hp.nested_divs(pt.DEPTH_CHECK_MIN_TAGS // 2 + 1))
    assert reason == "DOM deeper than 1024 levels"
    assert _refusal(hp.deep_lists(50_000))[0] == "DOM deeper than 1024 levels"


def test_a_150000_row_table_is_refused_quickly():
    reason, took = _refusal(hp.product_table(150_000, short=True))
    assert reason.startswith("more than 250000 tags")
    assert took < 20


def test_more_blocks_than_the_bound_is_refused_by_name():
    reason, took = _refusal(hp.many_blocks(pt.MAX_BLOCKS + 10))
    assert reason == "more than 20000 blocks (paragraphs, rows, lines)"
    assert took < 20
    text = "\n".join(f"Dòng {i}." for i in range(pt.MAX_BLOCKS + 1))
    assert _refusal(text.encode())[0] == "more than 20000 blocks (paragraphs, rows, lines)"


def test_a_paragraph_over_the_bound_is_refused_and_one_under_it_is_read():
    reason, took = _refusal(hp.huge_paragraph(2_000_000))
    assert reason.startswith("a block of ") and reason.endswith("characters (more than 100000)")
    assert took < 20
    # Hard-wrapped plain text joined back into one paragraph is bounded too.
    wrapped = "\n".join(["sản phẩm OCOP của tỉnh được công nhận và quảng bá rộng rãi trong nước và"] * 2_000)
    assert _refusal(wrapped.encode())[0].startswith("a block of ")
    assert _refusal(hp.huge_paragraph(90_000))[0] is None


@pytest.mark.parametrize("rows, limit", [(2_000, 10), (8_000, 30)])
def test_product_tables_are_read_in_time_linear_in_their_rows(rows, limit):
    start = time.perf_counter()
    result = extract_article(hp.product_table(rows), url="https://bao.example.vn/a/1.html")
    took = time.perf_counter() - start
    assert took < limit  # 2,000 rows ~0.3 s, 8,000 ~1.2 s (32 s when it was quadratic)
    assert len(result["products"]) >= rows * 0.9


def test_the_cli_names_the_file_and_the_bound_in_one_line_with_status_1(tmp_path, capsys):
    from ocop_pipeline.cli import main

    pages = hp.write_all(tmp_path)
    expected = {
        "nested_divs_200k": "DOM deeper than 1024 levels",
        "deep_lists_50k": "DOM deeper than 1024 levels",
        "blocks_60k": "more than 20000 blocks (paragraphs, rows, lines)",
        "pdf_as_html": "a PDF document, not a text page",
        "png_as_html": "a PNG image, not a text page",
    }
    for name, path in pages.items():
        assert main(["extract-article", str(path)]) == 1, name
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"ocop extract-article: {path}: "), (name, lines)
        if name in expected:
            assert lines[0] == f"ocop extract-article: {path}: {expected[name]}"


def test_a_number_word_is_looked_for_only_just_before_its_unit():
    """200,000 characters of units with no space between them: the look back for the number word
    before each unit is bounded, so this takes milliseconds (it took over a second, quadratic)."""
    from ocop_pipeline.news.numbers import _has_counted_word

    started = time.perf_counter()
    assert not _has_counted_word("xstar" * 40_000, True)
    assert time.perf_counter() - started < 0.5
    assert _has_counted_word("nâng lên bốn sản phẩm", False)
    assert _has_counted_word("five-star products", True)
    assert not _has_counted_word("x" * 30 + "bốn" + " sản phẩm", False)  # "xx…bốn" is no number word
