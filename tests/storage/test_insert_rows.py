"""storage.store.insert_rows: dicts appended through Arrow columns, typed as the table declares."""

from datetime import date

from ocop_pipeline.storage.store import ensure_schema, frame_for, insert_frame, insert_rows


def _fact(i, **changes):
    row = {"fact_id": f"f{i}", "article_id": "a1", "kind": "batch_total", "value": 12, "value_max": None,
           "event_date": date(2024, 3, 5), "detail_json": '{"stars": 4}'}
    return {**row, **changes}


def test_rows_land_typed_like_a_dataframe_insert_and_missing_keys_are_null(con):
    ensure_schema(con)
    rows = [_fact(1), _fact(2, value=3.5, event_date=date(2024, 3, 6)), {"fact_id": "f3", "article_id": "a2"}]
    assert insert_rows(con, "news_facts", rows) == 3
    got = con.execute("SELECT fact_id, value, event_date, detail_json->>'stars' FROM news_facts ORDER BY fact_id").fetchall()
    assert got == [("f1", 12.0, date(2024, 3, 5), "4"), ("f2", 3.5, date(2024, 3, 6), "4"), ("f3", None, None, None)]
    # the same rows through a DataFrame: the same table
    con.execute("CREATE TABLE via_frame AS SELECT * FROM news_facts")
    con.execute("DELETE FROM news_facts")
    insert_frame(con, "news_facts", frame_for("news_facts", rows))
    assert con.execute("SELECT * FROM news_facts EXCEPT ALL SELECT * FROM via_frame").fetchall() == []


def test_a_column_of_mixed_values_goes_the_dataframe_way_and_nothing_is_lost(con):
    ensure_schema(con)
    # an int beside a string, a date beside its ISO text: no one Arrow type for either column
    rows = [_fact(1, value=2), _fact(2, value="7", event_date="2024-03-06")]
    assert insert_rows(con, "news_facts", rows) == 2
    assert con.execute("SELECT fact_id, value, event_date FROM news_facts ORDER BY 1").fetchall() == [
        ("f1", 2.0, date(2024, 3, 5)), ("f2", 7.0, date(2024, 3, 6))]
    assert insert_rows(con, "news_facts", []) == 0
