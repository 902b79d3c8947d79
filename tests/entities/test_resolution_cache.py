"""Entity resolution by province with kept answers: the same answer as resolving everything at once."""

import random

from ocop_pipeline.entities.decisions import Decision
from ocop_pipeline.entities.matching import SubjectRecord
from ocop_pipeline.entities.resolution_cache import resolution_groups, resolve_all, resolve_cached

PROVINCES = ["Hà Nội", "Hưng Yên", "Ninh Bình", "Phú Thọ", "Nghệ An", "Lâm Đồng"]
FORMS = ["HTX", "Hợp tác xã", "Công ty TNHH", "Cty TNHH", "Hộ kinh doanh", "Tổ hợp tác"]
NAMES = ["Yên Mông", "Nguyên Xá", "Tân Sơn", "Hoa Vàng", "Sơn Thủy", "Bảo Lộc", "Đà Bắc", "Pù Mát"]
GOODS = ["Mật ong", "Chè shan tuyết", "Gạo nếp cái hoa vàng", "Nước mắm", "Bánh cáy", "Trà túi lọc giảo cổ lam"]


def corpus(seed: int = 7, n: int = 300) -> tuple[dict, dict]:
    """Producers with spelling variants, namesakes in other provinces and communes, tax codes (one
    shared by two provinces), each with a few product spellings."""
    rng = random.Random(seed)
    products_of: dict[SubjectRecord, set[str]] = {}
    first_seen: dict[SubjectRecord, int] = {}
    for i in range(n):
        province = rng.choice(PROVINCES)
        name = f"{rng.choice(FORMS)} {rng.choice(NAMES)}"
        tax = rng.choice([None, None, None, f"01{i % 40:08d}"])
        if i % 50 == 0:
            tax = "0100000001"  # one company listed by two provinces: ties them into one group
        rec = SubjectRecord(province, name if rng.random() < 0.8 else name.upper(), f"Xã {rng.choice(NAMES)}",
                            None, province, tax)
        goods = rng.sample(GOODS, 2)
        products_of.setdefault(rec, set()).update({goods[0], goods[0] + " (hộp 500g)", goods[1]})
        first_seen[rec] = rng.choice([2019, 2021, 2023])
    return products_of, first_seen


def same(a, b) -> bool:
    return (a.subject_ids, a.matched_by, a.product_ids) == (b.subject_ids, b.matched_by, b.product_ids) and \
        sorted(map(repr, a.reviews)) == sorted(map(repr, b.reviews))


def test_a_shared_tax_code_ties_its_provinces_into_one_group():
    products_of, _ = corpus()
    groups = resolution_groups(products_of)
    tied = {r.province_current for r in products_of if r.tax_code == "0100000001"}
    assert len(tied) > 1
    assert any(tied <= {r.province_current for r in g} for g in groups)
    assert sum(len(g) for g in groups) == len(products_of)


def test_province_by_province_with_kept_answers_equals_all_at_once(con):
    products_of, first_seen = corpus()
    decisions = [Decision("subject", "HTX Yên Mông", "Hợp tác xã Nguyên Xá", "Hà Nội", "different")]
    reference = resolve_all(products_of, decisions, first_seen)
    assert len(set(reference.subject_ids.values())) < len(products_of)  # spellings did merge
    cold, resolved = resolve_cached(con, products_of, decisions, first_seen)
    assert same(cold, reference) and resolved == len(resolution_groups(products_of))
    warm, resolved = resolve_cached(con, products_of, decisions, first_seen)
    assert same(warm, reference) and resolved == 0

    # A new list from one province: only that province's group is resolved again.
    newcomer = SubjectRecord("Lâm Đồng", "HTX Bảo Lộc Xanh", "Xã Lộc An", None, "Lâm Đồng", None)
    products_of[newcomer] = {"Cà phê hạt rang"}
    first_seen[newcomer] = 2025
    after, resolved = resolve_cached(con, products_of, decisions, first_seen)
    assert resolved == 1 and same(after, resolve_all(products_of, decisions, first_seen))

    # A curated decision can change any province's answer: every group again.
    decisions.append(Decision("product", "Mật ong", "Nước mắm", "Ninh Bình", "different"))
    _, resolved = resolve_cached(con, products_of, decisions, first_seen)
    assert resolved == len(resolution_groups(products_of))
    # A province that no longer has any producer leaves the kept answers.
    for rec in [r for r in products_of if r.province_current == "Lâm Đồng"]:
        del products_of[rec]
    resolve_cached(con, products_of, decisions, first_seen)
    kept = [k for (k,) in con.execute("SELECT group_key FROM _resolution_cache").fetchall()]
    assert not any("Lâm Đồng" in k for k in kept)


def test_the_later_of_two_conflicting_decisions_wins_cached_or_not(con):
    """Two decisions on one pair: the later one counts (matching._decision_index), so the kept answers
    follow the decisions' order, not only their set."""
    products_of, first_seen = corpus()
    pair = ("HTX Yên Mông", "Hợp tác xã Yên Mông", "Hà Nội")
    flip = [Decision("subject", *pair, "different"), Decision("subject", *pair, "same")]
    flop = list(reversed(flip))
    assert not same(resolve_all(products_of, flip, first_seen), resolve_all(products_of, flop, first_seen))
    resolve_cached(con, products_of, flip, first_seen)
    after, resolved = resolve_cached(con, products_of, flop, first_seen)
    assert resolved > 0 and same(after, resolve_all(products_of, flop, first_seen))
