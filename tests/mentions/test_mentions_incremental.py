"""Incremental mention matching gives what matching everything again gives.

`rebuild_mentions` matches only what changed: new articles against the names that could be in them,
old articles against changed names only where those could be found, and a name whose only change is
how many others in the country have it only outside its province. Each test compares the mentions an
incremental run leaves with those of a full run on a fresh database holding the same inputs."""

import random

import pytest

from ocop_pipeline.entities.keys import product_key, subject_key
from ocop_pipeline.mentions import rebuild as mention_rebuild
from ocop_pipeline.mentions.matching import Entity, MentionIndex, entities_in_reach
from ocop_pipeline.mentions.rebuild import rebuild_mentions
from ocop_pipeline.storage.store import connect, ensure_schema
from ocop_pipeline.text.folding import fold_text


class Inputs:
    """Products, subjects and articles, written into a database the way the core and news steps leave them."""

    def __init__(self):
        self.products: dict[str, tuple[str, str | None]] = {}  # id -> (name, province)
        self.subjects: dict[str, tuple[str, str | None]] = {}
        self.articles: dict[str, tuple[str, str | None, str]] = {}  # id -> (text, province, document)

    def write(self, con):
        con.execute("BEGIN")
        con.execute("DELETE FROM products")
        con.execute("DELETE FROM subjects")
        con.execute("DELETE FROM news_articles")
        for pid, (name, province) in self.products.items():
            con.execute("INSERT INTO products (product_id, name, province) VALUES (?, ?, ?)", [pid, name, province])
        for sid, (name, province) in self.subjects.items():
            con.execute("INSERT INTO subjects (subject_id, name, name_key, province) VALUES (?, ?, ?, ?)",
                        [sid, name, subject_key(name), province])
        for aid, (text, province, document) in self.articles.items():
            con.execute("INSERT INTO news_articles (article_id, url, source_id, document_id, has_rating_results, "
                        "parser_version, province, title, body_text) VALUES (?, ?, 's', ?, true, 't', ?, ?, ?)",
                        [aid, "https://x/" + aid, document, province, text[:20], text[20:]])
        con.execute("COMMIT")


def mentions_of(con) -> list[tuple]:
    return con.execute("SELECT mention_id, article_id, entity_kind, entity_id, name_in_text, entity_name, score, "
                       "method FROM mentions ORDER BY mention_id").fetchall()


def full_result(tmp_path, inputs: Inputs, name: str) -> list[tuple]:
    con = connect(tmp_path / f"{name}.duckdb")
    try:
        ensure_schema(con)
        inputs.write(con)
        rebuild_mentions(con)
        return mentions_of(con)
    finally:
        con.close()


def check(con, tmp_path, inputs: Inputs, name: str) -> list[tuple]:
    """Write `inputs`, match incrementally, and compare with a full run."""
    inputs.write(con)
    rebuild_mentions(con)
    incremental = mentions_of(con)
    assert incremental == full_result(tmp_path, inputs, name), name
    rebuild_mentions(con)  # nothing changed since: nothing to do, nothing moves
    assert mentions_of(con) == incremental, name
    return incremental


LONG = "Trà túi lọc giảo cổ lam Tân Sơn"  # 7 words: found outside its province too, exactly


def base_inputs() -> Inputs:
    inputs = Inputs()
    inputs.products = {"p1": (LONG, "Phú Thọ"), "p2": ("Bánh cáy làng Nguyễn", "Hưng Yên"),
                       "p3": ("Mật ong bạc hà Mèo Vạc", "Tuyên Quang")}
    inputs.subjects = {"s1": ("HTX Nông nghiệp Nguyên Xá", "Hưng Yên")}
    inputs.articles = {
        "a1": (f"Sản phẩm {LONG} được trưng bày tại hội chợ ở Hà Nội.", "Hà Nội", "d1"),
        "a2": (f"Tỉnh Phú Thọ có {LONG.lower()} đạt 4 sao.", "Phú Thọ", "d2"),
        "a3": ("Bánh cáy làng Nguyễn của Hợp tác xã nông nghiệp Nguyên Xá đạt 4 sao.", "Hưng Yên", "d3"),
        "a4": ("Mật ong bạc hà Mèo Vạt được công nhận 4 sao.", "Tuyên Quang", "d4"),  # a typo: fuzzy
        "a5": (f"Hội chợ giới thiệu {LONG} và nhiều đặc sản.", None, "d5"),
    }
    return inputs


@pytest.mark.slow
def test_a_namesake_arriving_and_leaving_elsewhere(con, tmp_path):
    inputs = base_inputs()
    first = check(con, tmp_path, inputs, "base")
    assert {(a, e) for _, a, _, e, *_ in first} >= {("a1", "p1"), ("a2", "p1"), ("a5", "p1"), ("a4", "p3")}
    # The same long name in another province: outside Phú Thọ neither can be meant; in Phú Thọ p1 still is.
    inputs.products["p9"] = (LONG, "Nghệ An")
    linked = {(a, e) for _, a, _, e, *_ in check(con, tmp_path, inputs, "namesake_arrives")}
    assert ("a2", "p1") in linked and ("a1", "p1") not in linked and ("a5", "p1") not in linked
    # A third: nothing changes for p1 (shared before and after), only fingerprints.
    inputs.products["p10"] = (LONG, "Huế")
    check(con, tmp_path, inputs, "namesake_third")
    # Both leave: p1 is alone again, found again in Hà Nội and in the page of no province.
    del inputs.products["p9"], inputs.products["p10"]
    assert {(a, e) for _, a, _, e, *_ in check(con, tmp_path, inputs, "namesakes_leave")} >= {("a1", "p1"), ("a5", "p1")}


@pytest.mark.slow
def test_a_national_count_jumping_far_keeps_the_mentions_in_province(con, tmp_path, monkeypatch):
    """20 namesakes arrive elsewhere at once (1 -> 21 in the country), then leave (21 -> 1): p1's counts
    then are recorded, so both times only its mentions outside Phú Thọ change; it is never matched again
    as a changed name (whose every mention would go), and the result is a full rebuild's."""
    inputs = base_inputs()
    check(con, tmp_path, inputs, "base")
    looked_for = []
    real = mention_rebuild._old_articles_in_reach
    monkeypatch.setattr(mention_rebuild, "_old_articles_in_reach", lambda con, changed, elsewhere, *a: looked_for.append(
        ({e.entity_id for e in changed}, {e.entity_id for e in elsewhere})) or real(con, changed, elsewhere, *a))
    for i in range(20):
        inputs.products[f"n{i}"] = (LONG, f"Tỉnh {i}")
    linked = {(a, e) for _, a, _, e, *_ in check(con, tmp_path, inputs, "twenty_arrive")}
    assert ("a2", "p1") in linked and ("a1", "p1") not in linked and ("a5", "p1") not in linked
    assert looked_for and all("p1" not in changed and "p1" not in elsewhere for changed, elsewhere in looked_for)
    looked_for.clear()
    for i in range(20):
        del inputs.products[f"n{i}"]
    linked = {(a, e) for _, a, _, e, *_ in check(con, tmp_path, inputs, "twenty_leave")}
    assert {("a1", "p1"), ("a2", "p1"), ("a5", "p1")} <= linked
    assert looked_for == [(set(), {"p1"})]  # alone again: looked for outside its province only


def test_a_namesake_in_the_same_province_unlinks_both(con, tmp_path):
    inputs = base_inputs()
    check(con, tmp_path, inputs, "base")
    inputs.products["p9"] = ("Bánh cáy làng Nguyễn", "Hưng Yên")
    linked = {e for _, _, _, e, *_ in check(con, tmp_path, inputs, "shared")}
    assert "p2" not in linked and "p9" not in linked


@pytest.mark.slow
def test_a_new_name_is_found_in_old_articles_of_its_province_and_outright_elsewhere(con, tmp_path):
    inputs = base_inputs()
    inputs.articles["a6"] = ("Chè Shan tuyết Suối Giàng Văn Chấn được bán ở Hà Nội.", "Hà Nội", "d6")
    inputs.articles["a7"] = ("Chè Shan tuyết Suối Giàng Văn Chấm là đặc sản Lào Cai.", "Lào Cai", "d7")
    check(con, tmp_path, inputs, "base")
    inputs.products["p5"] = ("Chè Shan tuyết Suối Giàng Văn Chấn", "Lào Cai")
    found = {(a, e, method) for _, a, _, e, _, _, _, method in check(con, tmp_path, inputs, "new_name")}
    assert ("a6", "p5", "exact") in found and ("a7", "p5", "fuzzy") in found
    inputs.products["p5"] = ("Chè Shan tuyết Suối Giàng Văn Chấn", "Yên Bái")  # moved: not fuzzy in Lào Cai
    found = {(a, e) for _, a, _, e, *_ in check(con, tmp_path, inputs, "moved")}
    assert ("a6", "p5") in found and ("a7", "p5") not in found
    inputs.products["p5"] = ("Chè Shan tuyết Suối Giàng Văn Chấn", None)  # no province: looked for everywhere
    check(con, tmp_path, inputs, "no_province")
    # Renamed, and back: each time matched as named (the kept key of the old name is not reused).
    inputs.products["p5"] = ("Chè Shan tuyết cổ thụ", "Lào Cai")
    assert not {e for _, _, _, e, *_ in check(con, tmp_path, inputs, "renamed")} & {"p5"}
    inputs.products["p5"] = ("Chè Shan tuyết Suối Giàng Văn Chấn", "Lào Cai")
    check(con, tmp_path, inputs, "renamed_back")


@pytest.mark.slow
def test_new_and_changed_articles_meet_every_name(con, tmp_path):
    inputs = base_inputs()
    check(con, tmp_path, inputs, "base")
    inputs.articles["a8"] = (f"Ở Nghệ An, khách mua {LONG} và bánh cáy làng Nguyễn.", "Nghệ An", "d8")
    inputs.articles["a3"] = ("Hợp tác xã nông nghiệp Nguyên Xá mở rộng sản xuất.", "Hưng Yên", "d3b")
    inputs.articles["a4"] = ("Mật ong bạc hà Mèo Vạc đạt 4 sao.", None, "d4")  # the province is gone
    del inputs.articles["a2"]
    check(con, tmp_path, inputs, "articles")
    # A page of no province names a short name of any province outright, a long one with a typo too.
    inputs.products["p6"] = ("Gạo tám xoan", "Nam Định")
    check(con, tmp_path, inputs, "short_name")
    inputs.articles["a9"] = ("Gạo tám xoan và trà túi lọc giảo cổ lam Tân Sơm có mặt ở hội chợ.", None, "d9")
    found = {(a, e, method) for _, a, _, e, _, _, _, method in check(con, tmp_path, inputs, "no_province_page")}
    assert {("a9", "p6", "exact"), ("a9", "p1", "fuzzy")} <= found


def test_a_build_with_nothing_new_is_a_few_queries_and_changed_code_redoes_the_check(con, tmp_path, monkeypatch):
    inputs = base_inputs()
    expected = check(con, tmp_path, inputs, "base")
    calls = []
    real = mention_rebuild._entities
    monkeypatch.setattr(mention_rebuild, "_entities", lambda *a: calls.append(a) or real(*a))
    assert rebuild_mentions(con) == len(expected) and not calls  # answered from the record
    monkeypatch.setattr(mention_rebuild, "_matching_code", lambda: "other code")
    assert rebuild_mentions(con) == len(expected) and len(calls) == 1  # the record is not trusted
    assert mentions_of(con) == expected
    assert rebuild_mentions(con) == len(expected) and len(calls) == 1  # now it is, for this code
    inputs.products["p2"] = ("Bánh cáy làng Nguyễn", "Thái Bình")  # moved
    inputs.write(con)
    rebuild_mentions(con)
    assert len(calls) == 2 and mentions_of(con) == full_result(tmp_path, inputs, "moved")


def test_the_record_of_inputs_deleted_or_wrong_makes_the_next_build_match_again(con, tmp_path):
    inputs = base_inputs()
    expected = check(con, tmp_path, inputs, "base")
    for table in ("_mention_inputs", "_mention_text_keys", "_mention_entities", "_mention_articles"):
        con.execute("DELETE FROM " + {"_mention_inputs": "_mention_inputs", "_mention_text_keys": "_mention_text_keys",
                                      "_mention_entities": "_mention_entities",
                                      "_mention_articles": "_mention_articles"}[table])
        rebuild_mentions(con)
        assert mentions_of(con) == expected, table
    con.execute("DELETE FROM mentions")
    rebuild_mentions(con)
    assert mentions_of(con) == expected
    # Text keys kept from other versions of the pages are not used: old pages are matched from their text.
    con.execute("UPDATE _mention_text_keys SET fingerprint = 'another page', text_key = 'nothing here'")
    inputs.products["p7"] = ("Nước mắm cá cơm Hà Nội", "Hà Nội")
    inputs.articles["a1"] = (inputs.articles["a1"][0] + " Nước mắm cá cơm Hà Nội ngon.", "Hà Nội", "d1")
    inputs.write(con)
    con.execute("UPDATE news_articles SET document_id = 'd1' WHERE article_id = 'a1'")  # same page, as recorded
    rebuild_mentions(con)
    assert mentions_of(con) == full_result(tmp_path, inputs, "rekeyed")


# -- many random changes, each build compared with a full one ----------------------------------------

WORDS = ["mật", "ong", "bạc", "hà", "chè", "shan", "tuyết", "nước", "mắm", "cá", "cơm", "gạo", "tám", "xoan",
         "bánh", "cáy", "làng", "nguyễn", "trà", "hoa", "vàng", "yên", "mông", "thái", "bình", "nam", "định", "sơn"]
PROVINCES = ["Hà Nội", "Huế", "Cà Mau", "Sơn La"]


def random_name(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.choice([2, 3, 4, 4, 5, 6, 8])))


def random_text(rng: random.Random, names: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(10, 40))]
    for name in rng.sample(names, min(len(names), rng.randint(0, 4))):
        name_words = name.split()
        if rng.random() < 0.4 and len(name_words) >= 4:  # a typo or a dropped word: for fuzzy matching
            i = rng.randrange(len(name_words))
            name_words[i] = name_words[i][:-1] if rng.random() < 0.5 and len(name_words[i]) > 2 else ""
        at = rng.randint(0, len(words))
        words[at:at] = [w for w in name_words if w]
    return " ".join(words).capitalize() + "."


def random_change(rng: random.Random, inputs: Inputs, serial: list[int]) -> None:
    serial[0] += 1
    n = serial[0]
    names = [name for name, _ in [*inputs.products.values(), *inputs.subjects.values()]]
    kind = rng.choice(["product", "namesake", "drop_product", "move_product", "rename_product", "subject",
                       "subject_namesake", "article", "edit_article", "drop_article", "article_province"])
    province = rng.choice([*PROVINCES, None] if rng.random() < 0.3 else PROVINCES)
    if kind == "product":
        inputs.products[f"p{n}"] = (random_name(rng), province)
    elif kind == "namesake" and names:
        inputs.products[f"p{n}"] = (rng.choice([name for name, _ in inputs.products.values()] or names), province)
    elif kind == "drop_product" and inputs.products:
        del inputs.products[rng.choice(sorted(inputs.products))]
    elif kind == "rename_product" and inputs.products:
        pid = rng.choice(sorted(inputs.products))
        inputs.products[pid] = (rng.choice([random_name(rng), *names]), inputs.products[pid][1])
    elif kind == "move_product" and inputs.products:
        pid = rng.choice(sorted(inputs.products))
        inputs.products[pid] = (inputs.products[pid][0], province)
    elif kind == "subject":
        inputs.subjects[f"s{n}"] = ("HTX " + random_name(rng), province)
    elif kind == "subject_namesake" and inputs.subjects:
        inputs.subjects[f"s{n}"] = (rng.choice([name for name, _ in inputs.subjects.values()]), province)
    elif kind == "article" or not inputs.articles:
        inputs.articles[f"a{n}"] = (random_text(rng, names), province, f"d{n}")
    elif kind == "edit_article":
        aid = rng.choice(sorted(inputs.articles))
        inputs.articles[aid] = (random_text(rng, names), inputs.articles[aid][1], f"d{n}")
    elif kind == "drop_article":
        del inputs.articles[rng.choice(sorted(inputs.articles))]
    else:
        aid = rng.choice(sorted(inputs.articles))
        inputs.articles[aid] = (inputs.articles[aid][0], province, inputs.articles[aid][2])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_match_incrementally_as_a_full_rebuild_does(con, tmp_path, seed):
    rng = random.Random(seed)
    inputs = Inputs()
    serial = [0]
    for _ in range(25):
        random_change(rng, inputs, serial)
    names = [name for name, _ in [*inputs.products.values(), *inputs.subjects.values()]]
    for i in range(30):  # articles naming them, many in the provinces of the names
        inputs.articles[f"b{i}"] = (random_text(rng, names), rng.choice([*PROVINCES, None]), f"e{i}")
    check(con, tmp_path, inputs, f"s{seed}-start")
    linked = 0
    for step in range(12):
        for _ in range(rng.randint(1, 4)):
            random_change(rng, inputs, serial)
        linked += len(check(con, tmp_path, inputs, f"s{seed}-{step}"))
    assert linked  # the corpus does link names to articles


def test_the_names_in_reach_of_some_articles_are_all_an_index_finds_there():
    rng = random.Random(7)
    entities = [Entity("product", f"p{i}", name, product_key(name), rng.choice([*PROVINCES, None]))
                for i, name in enumerate(random_name(rng) for _ in range(300))]
    names = [e.name for e in entities]
    articles = [(f"a{i}", random_text(rng, names), rng.choice(PROVINCES[:2])) for i in range(40)]
    from ocop_pipeline.mentions.matching import text_key

    keyed = [(aid, text_key(text), province) for aid, text, province in articles]
    everything = MentionIndex(entities)
    reach = entities_in_reach(entities, [(key, province) for _, key, province in keyed])
    assert len(reach) < len(entities)
    some = MentionIndex(reach, population=entities)
    found = 0
    for aid, key, province in keyed:
        expected = everything.find_in_key(aid, key, province)
        assert some.find_in_key(aid, key, province) == expected
        found += len(expected)
    assert found


def test_few_new_articles_are_matched_without_forking():
    """The old articles' query runs in a thread while few new articles are matched: no fork meanwhile."""
    from ocop_pipeline.runtime.parallel import MIN_ITEMS_FOR_POOL

    assert -(-mention_rebuild.FEW_NEW_ARTICLES // mention_rebuild.MENTION_BATCH) < MIN_ITEMS_FOR_POOL


@pytest.mark.parametrize("name", [
    "Mật ong bạc hà Mèo Vạc", "Hợp tác xã  Thuỷ sản Hoà Bình!", "Trà HOA VÀNG (túi lọc 500g)",
    "Hîp t¸c x· N«ng nghiÖp", "Nước mắm Phú Quốc\u00a0cao đạm", "Cà phê Buôn Ma Thuột – rang xay", "Ðặc sản Đồng Tháp",
    "Bánh tráng phơi sương 𝟑 lớp", "Gạo ST25 'Ông Cua'", "", "Kẹo dừa Bến Tre\u0301", "Μέλι 蜂蜜 mật ong",
])
def test_product_keys_are_folded_as_product_key_folds_them(name):
    """`rebuild_mentions` folds product names with `fold_text` (faster, uncached): it must equal `product_key`."""
    assert fold_text(name) == product_key(name)
