"""Lists as provincial offices really save them (issue 13): real files, one habit a test.

Each habit is written twice over: by hand with openpyxl where the exact cells matter, and by
devtools/sheet_habits.py, whose truth (the products a correct reader finds) the reader must match.
"""

from __future__ import annotations

import random
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from devtools import sheet_habits, sheetgen
from ocop_pipeline.spreadsheets.reader import SheetReadError, read_sheet_file
from ocop_pipeline.spreadsheets.stars import parse_stars
from ocop_pipeline.spreadsheets.workbooks import _xls_hidden
from ocop_pipeline.text.folding import fold_key
from tests.support.workbooks import xlsx

TITLE = [["UBND TỈNH SƠN LA"], ["DANH SÁCH SẢN PHẨM ĐẠT CHỨNG NHẬN OCOP NĂM 2022"],
         ["(Kèm theo Quyết định số 2790/QĐ-UBND ngày 28/12/2022 của UBND tỉnh Sơn La)"], []]  # fmt: skip
HEADER = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao"]




def _truth_matches(habit_list) -> None:
    """The reader finds exactly the list's products, with their stars, district and decision."""
    result = read_sheet_file(habit_list.path)
    got = {(fold_key(r.product_name), fold_key(r.subject_name or "")): r for r in result.rows}
    assert len(got) == len(result.rows), "a product read twice"
    want = {(fold_key(p.product_name), fold_key(p.subject_name)): p for p in habit_list.products}
    assert set(got) == set(want)
    for key, p in want.items():
        row = got[key]
        assert (row.stars, row.district, row.decision_no, row.decision_date) == (
            p.stars, p.district, p.decision_no, p.decision_date), (p.stars_written, row.stars_raw)  # fmt: skip
    return result


@pytest.mark.parametrize("habit", [h for h in sheet_habits.HABITS
                                   if h not in sheet_habits.BAD_UPLOADS and h != "xls_named_xlsx"])  # fmt: skip
def test_generated_habit_lists_read_as_their_truth(tmp_path, habit):
    rng = random.Random(sheet_habits.HABITS.index(habit))
    for i in range(3):
        ext = "xls" if habit == "xlsx_named_xls" else "xlsx"
        _truth_matches(sheet_habits.write_habit(tmp_path / f"{habit}_{i}.{ext}", habit, rng))


# ---------------------------------------------------------------------------------------------------
# The extension lies


def test_xlsx_saved_as_xls_is_read_by_its_bytes(tmp_path):
    path = xlsx(tmp_path / "sonla.xlsx", {"DS": [*TITLE, HEADER, [1, "Chè Shan tuyết Tà Xùa", "HTX Tà Xùa",
                                                                     "xã Tà Xùa, huyện Bắc Yên", "4 sao"]]})
    named_xls = path.rename(tmp_path / "sonla.xls")
    (row,) = read_sheet_file(named_xls).rows
    assert (row.product_name, row.stars, row.district, row.decision_no) == (
        "Chè Shan tuyết Tà Xùa", 4, "Huyện Bắc Yên", "2790/QĐ-UBND")


@pytest.mark.slow
def test_real_xls_named_xlsx_is_read_with_its_merges_and_hidden_parts(tmp_path):
    if sheetgen.soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot write a real .xls")
    lists = [sheet_habits.write_habit(tmp_path / "biff.xlsx", "xls_named_xlsx", random.Random(3))]
    sources = [tmp_path / "packs.xlsx", tmp_path / "hidden.xlsx"]
    lists.append(sheet_habits.write_habit(sources[0], "merged_packages", random.Random(4)))
    lists.append(sheet_habits.write_habit(sources[1], "hidden", random.Random(5)))
    # Merged package rows, a hidden proposal column and hidden rows, in BIFF: one LibreOffice run.
    converted = sheetgen.convert_to_xls(sources, tmp_path / "out")
    assert lists[0].path.read_bytes()[:4] == bytes.fromhex("D0CF11E0")
    _truth_matches(lists[0])
    for habit_list, xls in zip(lists[1:], converted, strict=True):
        habit_list.path = xls
        result = _truth_matches(habit_list)
    hidden = [r for r in result.rejects if r.reason.startswith("row hidden in the sheet")]
    assert len(hidden) == lists[2].hidden_rows > 0
    # The hidden parts are best effort: a stream that cannot be walked hides nothing and raises nothing.
    data = converted[1].read_bytes()
    assert _xls_hidden(data)["Danh sách"][1] == frozenset({4})
    assert _xls_hidden(data[:3000]) == {} and _xls_hidden(b"\xd0\xcf\x11\xe0" + b"\x00" * 2000) == {}


def test_damaged_workbook_error_names_the_format_found(tmp_path):
    path = tmp_path / "broken.xls"
    with zipfile.ZipFile(path, "w") as zf:  # a zip that claims to be a workbook, with garbage inside
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "not xml at all <<<")
    with pytest.raises(SheetReadError) as err:
        read_sheet_file(path)
    assert str(err.value).startswith(f"{path}: corrupt or unreadable xlsx workbook (an xlsx workbook named .xls)")


# ---------------------------------------------------------------------------------------------------
# Bad uploads of a new kind


def test_pdf_named_xlsx_is_rejected_as_a_pdf(tmp_path):
    path = sheet_habits.write_habit(tmp_path / "ds.xlsx", "pdf_named_xlsx", random.Random(1)).path
    with pytest.raises(SheetReadError) as err:
        read_sheet_file(path, "ds_ocop_2022.xlsx")
    assert str(err.value).startswith("ds_ocop_2022.xlsx: a PDF document, not a spreadsheet")


def test_workbook_holding_only_a_picture_asks_for_the_original(tmp_path):
    path = sheet_habits.write_habit(tmp_path / "scan.xlsx", "image_only", random.Random(1)).path
    with pytest.raises(SheetReadError) as err:
        read_sheet_file(path)
    assert str(err.value) == f"{path}: the workbook holds an image and no table: send the original file"


def test_word_document_and_picture_named_xlsx(tmp_path):
    doc = tmp_path / "qd.xlsx"
    with zipfile.ZipFile(doc, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    png = tmp_path / "anh.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(SheetReadError, match="a Word document, not a spreadsheet"):
        read_sheet_file(doc)
    with pytest.raises(SheetReadError, match="a PNG image, not a spreadsheet: send the original file"):
        read_sheet_file(png)


# ---------------------------------------------------------------------------------------------------
# Cells merged down


def test_package_rows_merged_under_one_product_are_one_product(tmp_path):
    header = ["STT", "Tên sản phẩm", "Quy cách", "Chủ thể", "Địa chỉ", "Hạng sao"]
    rows = [*TITLE, header,
            [1, "Cà phê Arabica Sơn La", "Hộp 250g", "HTX Cà phê Chiềng Ban", "xã Chiềng Ban, huyện Mai Sơn", "4 sao"],
            [None, None, "Hộp 500g"], [None, None, "Túi 1kg"],
            [2, "Mận hậu sấy dẻo", "Gói 200g", "Công ty TNHH Nông sản Mộc Châu", "huyện Vân Hồ", "3 sao"]]  # fmt: skip
    merges = [f"{c}6:{c}8" for c in "ABDEF"]
    result = read_sheet_file(xlsx(tmp_path / "packs.xlsx", {"DS": rows}, {"DS": merges}))
    assert [(r.row, r.product_name, r.subject_name, r.stars, r.district) for r in result.rows] == [
        (6, "Cà phê Arabica Sơn La", "HTX Cà phê Chiềng Ban", 4, "Huyện Mai Sơn"),
        (9, "Mận hậu sấy dẻo", "Công ty TNHH Nông sản Mộc Châu", 3, "Huyện Vân Hồ")]  # fmt: skip
    assert result.rejects == []


def test_package_rows_under_a_merged_stt_without_a_name_are_no_rejects(tmp_path):
    header = ["STT", "Tên sản phẩm", "Quy cách", "Chủ thể", "Hạng sao"]
    rows = [*TITLE, header,
            [1, "Mật ong bạc hà", "Chai 500ml", "HTX Ong mật Vân Hồ", "4 sao"], [None, None, "Chai 250ml"],
            [2, "Chè xanh Tà Xùa", "Hộp 100g", "HTX Chè Tà Xùa", "3 sao"], [None, "Chè đen Tà Xùa", "Hộp 100g"]]  # fmt: skip
    # STT, subject and stars merged; the name typed once, or once for each variant of a product.
    merges = ["A6:A7", "D6:D7", "E6:E7", "A8:A9", "D8:D9", "E8:E9"]
    result = read_sheet_file(xlsx(tmp_path / "stt.xlsx", {"DS": rows}, {"DS": merges}))
    assert [(r.row, r.product_name, r.subject_name, r.stars) for r in result.rows] == [
        (6, "Mật ong bạc hà", "HTX Ong mật Vân Hồ", 4), (8, "Chè xanh Tà Xùa", "HTX Chè Tà Xùa", 3),
        (9, "Chè đen Tà Xùa", "HTX Chè Tà Xùa", 3)]  # fmt: skip
    assert result.rejects == []


def test_subject_and_decision_merged_down_reach_every_row(tmp_path):
    header = [*HEADER, "Số quyết định"]
    rows = [["UBND TỈNH SƠN LA"], ["DANH SÁCH SẢN PHẨM OCOP"], [], header,
            [1, "Xoài tròn Yên Châu", "HTX Xoài Chiềng Pằn", "xã Chiềng Pằn, huyện Yên Châu", "3 sao",
             "1021/QĐ-UBND ngày 15/6/2022"],
            [2, "Xoài sấy dẻo", None, None, "4 sao"],
            [3, "Nhãn sấy Sông Mã", "HTX Nhãn Sông Mã", "thị trấn Sông Mã, huyện Sông Mã", "3 sao",
             "2790/QĐ-UBND ngày 28/12/2022"]]  # fmt: skip
    merges = ["C5:C6", "D5:D6", "F5:F6"]
    result = read_sheet_file(xlsx(tmp_path / "merged.xlsx", {"DS": rows}, {"DS": merges}))
    assert [(r.product_name, r.subject_name, r.district, r.decision_no, r.decision_date) for r in result.rows] == [
        ("Xoài tròn Yên Châu", "HTX Xoài Chiềng Pằn", "Huyện Yên Châu", "1021/QĐ-UBND", date(2022, 6, 15)),
        ("Xoài sấy dẻo", "HTX Xoài Chiềng Pằn", "Huyện Yên Châu", "1021/QĐ-UBND", date(2022, 6, 15)),
        ("Nhãn sấy Sông Mã", "HTX Nhãn Sông Mã", "Huyện Sông Mã", "2790/QĐ-UBND", date(2022, 12, 28))]  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# Duplicates, hidden columns and rows


def test_product_pasted_twice_is_one_product_and_the_copy_a_reject(tmp_path):
    a = ["Mật ong hoa rừng", "HTX Mật ong Vân Hồ", "xã Vân Hồ, huyện Vân Hồ", "4 sao"]
    b = ["Măng đắng khô", "Hộ kinh doanh Lò Văn Hùng", "xã Lóng Luông, huyện Vân Hồ", "3 sao"]
    other = ["Mật ong hoa rừng", "HTX Mật ong Vân Hồ", "xã Vân Hồ, huyện Vân Hồ", "5 sao"]  # not a copy
    rows = [*TITLE, HEADER, [1, *a], [2, *b], [3, *a], [4, *other]]
    result = read_sheet_file(xlsx(tmp_path / "dup.xlsx", {"DS": rows}))
    assert [(r.row, r.product_name, r.stars) for r in result.rows] == [
        (6, "Mật ong hoa rừng", 4), (7, "Măng đắng khô", 3), (9, "Mật ong hoa rừng", 5)]  # fmt: skip
    (reject,) = result.rejects
    assert (reject.row, reject.reason) == (
        8, "duplicate of row 6: the same product, subject and stars listed twice (counted once)")
    assert reject.raw["product_name"] == "Mật ong hoa rừng"


def test_hidden_proposed_stars_column_and_hidden_rows(tmp_path):
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Địa chỉ", "Hạng sao", "Hạng sao công nhận"]
    rows = [*TITLE, header,
            [1, "Sữa chua Mộc Châu", "Công ty CP Giống bò sữa", "huyện Mai Sơn", "5 sao", "4 sao"],
            [2, "Chè Shan tuyết", "HTX Chè Tà Xùa", "huyện Bắc Yên", "4 sao", "4 sao"],
            [3, "Rượu ngô men lá", "Hộ kinh doanh Cầm Thị Lan", "huyện Thuận Châu", "3 sao", "3 sao"]]  # fmt: skip
    path = xlsx(tmp_path / "hidden.xlsx", {"DS": rows})
    wb = openpyxl.load_workbook(path)
    ws = wb["DS"]
    ws.column_dimensions["E"].hidden = True  # the proposal, hidden beside the recognised rating
    ws.row_dimensions[8].hidden = True  # a product dropped from the list, hidden not deleted
    wb.save(path)
    result = read_sheet_file(path)
    assert [(r.product_name, r.stars, r.stars_raw) for r in result.rows] == [
        ("Sữa chua Mộc Châu", 4, "4 sao"), ("Chè Shan tuyết", 4, "4 sao")]  # fmt: skip
    (reject,) = result.rejects
    assert reject.row == 8 and reject.reason.startswith("row hidden in the sheet: not read")


def test_visible_proposed_stars_column_is_not_the_rating(tmp_path):
    header = ["STT", "Tên sản phẩm", "Chủ thể", "Hạng sao đề xuất", "Hạng sao"]
    rows = [*TITLE, header, [1, "Thịt trâu gác bếp", "HTX Thảo nguyên", "5 sao", "4 sao"]]
    (row,) = read_sheet_file(xlsx(tmp_path / "proposed.xlsx", {"DS": rows})).rows
    assert (row.stars, row.stars_raw) == (4, "4 sao")


def test_only_stars_column_hidden_is_still_read(tmp_path):
    rows = [*TITLE, HEADER, [1, "Chanh leo Mai Sơn", "HTX Chanh leo", "huyện Mai Sơn", "3 sao"]]
    path = xlsx(tmp_path / "hidden_stars.xlsx", {"DS": rows})
    wb = openpyxl.load_workbook(path)
    wb["DS"].column_dimensions["E"].hidden = True
    wb.save(path)
    (row,) = read_sheet_file(path).rows
    assert row.stars == 3


# ---------------------------------------------------------------------------------------------------
# Stars in every notation


@pytest.mark.parametrize(("written", "stars"), sheet_habits.STAR_NOTATIONS)
def test_star_notations_of_offices(written, stars):
    assert parse_stars(written) == (stars, None)


@pytest.mark.parametrize(("written", "why"), [
    ("Đề xuất 4 sao", "a proposed rating ('đề xuất ... sao') is not a rating"),
    ("★★☆☆☆", "stars 2 outside 3..5 ('★★☆☆☆'): OCOP ratings are 3 to 5 stars"),
    ("Nâng hạng từ 2 sao lên 2 sao", "stars 2 outside 3..5 ('Nâng hạng từ 2 sao lên 2 sao'): OCOP ratings are 3 to 5 stars"),
])  # fmt: skip
def test_star_notations_that_are_no_rating(written, why):
    assert parse_stars(written) == (None, why)


def test_number_formatted_as_sao(tmp_path):
    rows = [*TITLE, HEADER, [1, "Gạo nếp Tú Lệ", "HTX Nông nghiệp Tú Lệ", "huyện Phù Yên", 4]]
    path = xlsx(tmp_path / "fmt.xlsx", {"DS": rows})
    wb = openpyxl.load_workbook(path)
    wb["DS"]["E6"].number_format = '0" sao"'
    wb.save(path)
    (row,) = read_sheet_file(path).rows
    assert row.stars == 4


# ---------------------------------------------------------------------------------------------------
# One sheet per district; two decisions in one list


def test_district_only_in_the_sheet_name_beside_a_summary_of_counts(tmp_path):
    summary = [["TỔNG HỢP"], ["STT", "Đơn vị", "Số sản phẩm", "3 sao", "4 sao"], [1, "Huyện Vân Hồ", 1, 1, 0],
               [2, "Huyện Mai Sơn", 1, 0, 1], [3, "Thành phố Sơn La", 1, 1, 0]]  # fmt: skip

    def sheet(name, product, subject, commune, stars):
        return [*TITLE, HEADER, [1, product, subject, f"bản Nà Bó, {commune}", stars]]

    sheets = {"Số lượng": summary,
              "H.Vân Hồ": sheet("", "Chè Vân Hồ", "HTX Chè Chiềng Yên", "xã Chiềng Yên", "3 sao"),
              "H. Mai Sơn": sheet("", "Cà phê Cò Nòi", "HTX Cà phê Cò Nòi", "xã Cò Nòi", "4 sao"),
              "TP Sơn La": sheet("", "Măng đắng", "Hộ kinh doanh Lường Văn Toàn", "xã Chiềng Ngần", "3 sao")}  # fmt: skip
    result = read_sheet_file(xlsx(tmp_path / "sheets.xlsx", sheets))
    assert [(r.sheet, r.product_name, r.district, r.commune, r.province) for r in result.rows] == [
        ("H.Vân Hồ", "Chè Vân Hồ", "Huyện Vân Hồ", "Xã Chiềng Yên", "Sơn La"),
        ("H. Mai Sơn", "Cà phê Cò Nòi", "Huyện Mai Sơn", "Xã Cò Nòi", "Sơn La"),
        ("TP Sơn La", "Măng đắng", "Thành phố Sơn La", "Xã Chiềng Ngần", "Sơn La")]  # fmt: skip
    assert result.rejects == []


def test_two_decisions_with_dates_as_serial_date_and_text(tmp_path):
    header = [*HEADER, "Số QĐ", "Ngày QĐ"]
    rows = [["UBND TỈNH SƠN LA"], ["DANH SÁCH SẢN PHẨM OCOP"], [], header,
            [1, "Xoài tròn", "HTX Xoài Yên Châu", "huyện Yên Châu", "3 sao", "1021/QĐ-UBND", 44727],
            [2, "Nhãn sấy", "HTX Nhãn Sông Mã", "huyện Sông Mã", "4 sao", "2790/QĐ-UBND", "28/12/2022"],
            [3, "Mận hậu", "HTX Mận Nà Ka", "huyện Mai Sơn", "3 sao", "3001/QĐ-UBND", datetime(2023, 1, 5)]]  # fmt: skip
    result = read_sheet_file(xlsx(tmp_path / "two.xlsx", {"DS": rows}))
    assert [(r.decision_no, r.decision_date, r.year) for r in result.rows] == [
        ("1021/QĐ-UBND", date(2022, 6, 15), 2022), ("2790/QĐ-UBND", date(2022, 12, 28), 2022),
        ("3001/QĐ-UBND", date(2023, 1, 5), 2023)]  # fmt: skip


# ---------------------------------------------------------------------------------------------------
# Staged: a folder of such uploads lands and stages, the bad ones as file rejects, the copies as rows


def test_habit_uploads_stage_with_their_rejects(tmp_path, con):
    from ocop_pipeline.raw.spreadsheet_landing import land_spreadsheets
    from ocop_pipeline.settings import Paths
    from ocop_pipeline.spreadsheets.staging import stage_spreadsheets

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rng = random.Random(5)
    lists = [sheet_habits.write_habit(inbox / name, habit, rng) for name, habit in (
        ("dup.xlsx", "duplicates"), ("huyen.xlsx", "district_sheets"), ("scan.xlsx", "image_only"),
        ("qd.xlsx", "pdf_named_xlsx"), ("packs.xls", "xlsx_named_xls"))]  # fmt: skip
    (tmp_path / "sources").mkdir()
    paths = Paths.resolve(tmp_path / "data", inbox, tmp_path / "sources")
    land_spreadsheets(con, paths, [])
    report = stage_spreadsheets(con, paths)
    assert report.file_rejects == 2
    assert sorted(e.split(": ", 1)[1] for e in report.file_errors) == [
        "qd.xlsx: a PDF document, not a spreadsheet: send the list as the Excel file it was typed in",
        "scan.xlsx: the workbook holds an image and no table: send the original file"]  # fmt: skip
    file_rejects = con.execute("SELECT count(*) FROM rejects WHERE stage = 'file'").fetchone()[0]
    assert file_rejects == 2
    staged = con.execute("SELECT count(*) FROM stg_sheet_rows").fetchone()[0]
    assert staged == sum(len(h.products) for h in lists)
    duplicates = con.execute(
        "SELECT count(*) FROM rejects WHERE stage = 'row' AND reason LIKE 'duplicate of row %' AND location LIKE ?",
        ["%dup.xlsx"]).fetchone()[0]  # fmt: skip
    assert duplicates == lists[0].duplicates > 0
    districts = {r[0] for r in con.execute(
        "SELECT DISTINCT district FROM stg_sheet_rows WHERE sheet <> 'Danh sách'").fetchall()}
    assert districts == {p.district for p in lists[1].products}
