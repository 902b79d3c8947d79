"""How two names compare: the distinctive core of a producer's name, of a product's, and their scores.

A subject's name is read into its legal form (HTX, Công ty TNHH, hộ kinh doanh ...), the detail of
that form and its distinctive core (generic sector words such as "nông nghiệp" and a glued address
removed); a product's name loses packaging, sizes and prefixes. Scores are 0-100 (rapidfuzz token
ratios on the cores); the thresholds below say what counts as the same name, what goes to a person,
and they are calibrated on benchmarks/entity_pairs.csv. matching.py decides with them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from ocop_pipeline.entities.subject_types import subject_type_of
from ocop_pipeline.text.folding import fold_key, strip_accents
from ocop_pipeline.text.normalize import clean_text

# Name scores (0-100). Calibrated on benchmarks/entity_pairs.csv (dev split) and checked on the
# held-out split: at HIGH a false merge is rarer than 1 in 50 pairs.
SUBJECT_HIGH = 92.0
SUBJECT_LOW = 80.0
PRODUCT_HIGH = 92.0
PRODUCT_LOW = 75.0

_WORD = re.compile(r"\w+|[^\w\s]")

# Legal forms at the start of a name, as folded token sequences: (tokens, class, detail). Longest
# first. Detail separates enterprise forms that are different legal persons (TNHH vs CP vs DNTN).
_FORMS: tuple[tuple[tuple[str, ...], str, str], ...] = tuple(
    (tuple(p.split()), c, d)
    for p, c, d in (
        ("lien hiep hop tac xa", "cooperative", "union"),
        ("lien hiep htx", "cooperative", "union"),
        ("hop tac xa", "cooperative", ""),
        ("htxnn", "cooperative", ""),
        ("htxdv", "cooperative", ""),
        ("htx", "cooperative", ""),
        ("to hop tac", "cooperative_group", ""),
        ("tht", "cooperative_group", ""),
        ("cong ty trach nhiem huu han mot thanh vien", "enterprise", "tnhh"),
        ("cong ty trach nhiem huu han", "enterprise", "tnhh"),
        ("cong ty tnhh mtv", "enterprise", "tnhh"),
        ("cong ty tnhh", "enterprise", "tnhh"),
        ("cty tnhh mtv", "enterprise", "tnhh"),
        ("cty tnhh", "enterprise", "tnhh"),
        ("ct tnhh", "enterprise", "tnhh"),
        ("cong ty mtv", "enterprise", "tnhh"),
        ("cong ty co phan", "enterprise", "cp"),
        ("cong ty cp", "enterprise", "cp"),
        ("cty co phan", "enterprise", "cp"),
        ("cty cp", "enterprise", "cp"),
        ("ctcp", "enterprise", "cp"),
        ("doanh nghiep tu nhan", "enterprise", "dntn"),
        ("dntn", "enterprise", "dntn"),
        ("doanh nghiep", "enterprise", ""),
        ("cong ty", "enterprise", ""),
        ("cty", "enterprise", ""),
        ("ho san xuat kinh doanh", "household", ""),
        ("ho kinh doanh ca the", "household", ""),
        ("ho kinh doanh", "household", ""),
        ("ho sxkd", "household", ""),
        ("ho sx kd", "household", ""),
        ("ho kd", "household", ""),
        ("hkd", "household", ""),
        ("ho gia dinh", "household", ""),
        ("ho san xuat", "household", ""),
        ("co so san xuat kinh doanh", "household", ""),
        ("co so san xuat", "household", ""),
        ("co so sx", "household", ""),
        ("co so", "household", ""),
        ("cssx", "household", ""),
        ("ho ong", "household", ""),
        ("ho ba", "household", ""),
        ("ho", "household", ""),
    )
)
_FORMS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
for _form in _FORMS:
    _FORMS_BY_FIRST[_form[0][0]].append(_form)

# Words that may follow the form ("Công ty TNHH MTV ..."); "ông"/"bà" only after a household form
# ("Hộ kinh doanh ông ..."): after "HTX" the same letters are "ong" (bee), "HTX Ong Vàng".
_AFTER_FORM = frozenset({"mtv", "tnhh", "cp"})
_AFTER_HOUSEHOLD = frozenset({"ong", "ba"})

# Generic words that say what kind of business, not which one: dropped from the distinctive core.
_GENERIC = tuple(
    tuple(p.split())
    for p in (
        "nong nghiep", "nn", "dich vu", "dv", "dvnn", "dvtm", "tmdv", "san xuat", "sx", "sxkd",
        "kinh doanh", "kd", "thuong mai", "tm", "tong hop", "th", "xuat nhap khau", "xnk", "dau tu",
        "phat trien", "va", "&", "mot thanh vien", "1 thanh vien", "mtv", "tnhh", "co phan", "cp",
        "trach nhiem huu han",
    )
)  # fmt: skip
# Address words: at the start of the core the word is dropped ("HTX DVNN xã Hải Hưng"); later, the
# rest of the name is an address glued to it ("HTX Yên Mông xã Yên Mông").
_ADMIN_WORDS = ("xã", "phường", "thị trấn", "thôn", "xóm", "ấp", "huyện", "quận", "tỉnh", "thành phố", "tp",
                "thị xã", "tx", "khu phố", "địa chỉ", "tổ dân phố")
_ADMIN = tuple(tuple(fold_key(w) for w in p.split()) for p in _ADMIN_WORDS)
# Written with accents, an address word must carry its own: "Tinh" in "HTX Tinh Hoa" (essence),
# "Quán", "Xa" are names, not "tỉnh", "quận", "xã".
_ADMIN_ACCENTED = frozenset(tuple(p.split()) for p in _ADMIN_WORDS)
# Before the name only a commune's words stand ("HTX DVNN xã Hải Hưng"): a leading "Tinh" in a name
# written without accents is "tinh" (essence, "HTX Tinh Hoa Tay Bac"), not "tỉnh".
_LEADING_ADMIN = frozenset(tuple(p.split()) for p in ("xa", "phuong", "thi tran", "thon", "xom", "ap", "khu pho",
                                                      "to dan pho"))
_SEPARATORS = frozenset({"-", ",", ";", "(", ")", ":", "/", "[", "]"})


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Accented lower-case tokens and their folded twins, punctuation kept as tokens."""
    acc = _WORD.findall(clean_text(text).lower())
    return acc, [fold_key(t) or t for t in acc]


def _by_first(seqs: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for seq in seqs:
        index[seq[0]].append(seq)
    return {k: tuple(v) for k, v in index.items()}


_GENERIC_BY_FIRST = _by_first(_GENERIC)
_ADMIN_BY_FIRST = _by_first(_ADMIN)


def _match_at(folded: list[str], i: int, index: dict[str, tuple[tuple[str, ...], ...]]) -> int:
    """Length of the first sequence of the index that matches at position i, or 0."""
    for seq in index.get(folded[i], ()):
        if tuple(folded[i:i + len(seq)]) == seq:
            return len(seq)
    return 0


def _admin_at(acc: list[str], folded: list[str], i: int, accented: bool) -> int:
    """Length of the address word at position i, or 0; in a name written with accents the word
    must be written with its own ("Tinh Hoa" is not "tỉnh")."""
    n = _match_at(folded, i, _ADMIN_BY_FIRST)
    if n and accented and tuple(acc[i:i + n]) not in _ADMIN_ACCENTED:
        return 0
    if i + n >= len(folded):  # an address word names a place after it: "Nam Phuong" ends in a name
        return 0
    return n


@dataclass(frozen=True)
class ParsedSubject:
    """A producer name taken apart: legal form class and detail, and the distinctive core."""

    form: str  # cooperative | cooperative_group | enterprise | household | other
    detail: str  # tnhh | cp | dntn | union | ''
    core: str  # accented, lower case, generic words and address removed
    core_fold: str  # the same without accents

    @property
    def canonical(self) -> str:
        return f"{self.form}:{self.core_fold}"


@lru_cache(maxsize=65536)
def parse_subject(name: str | None) -> ParsedSubject:
    """'HTX NN Yên Mông - xã Yên Mông' -> cooperative, core 'yên mông'."""
    acc, folded = _tokens(name or "")
    accented = any(ord(ch) > 127 for t in acc for ch in t)
    # a glued address after a separator goes: "HTX Yên Mông - xã Yên Mông", "Cty X, thôn Y"
    for i in range(1, len(folded) - 1):
        if folded[i] in _SEPARATORS and _admin_at(acc, folded, i + 1, accented):
            acc, folded = acc[:i], folded[:i]
            break
    keep = [i for i, t in enumerate(folded) if t not in _SEPARATORS and t.strip("\"'")]
    acc, folded = [acc[i] for i in keep], [folded[i] for i in keep]
    form, detail, start = "other", "", 0
    for seq, kind, det in _FORMS_BY_FIRST.get(folded[0] if folded else "", ()):
        if tuple(folded[: len(seq)]) == seq:
            # "Hồ" is a surname: only "hộ" (or unaccented "ho" before a name) is a household prefix
            if seq[0] == "ho" and acc[0] not in ("hộ", "ho"):
                continue
            if seq == ("ho",) and acc[0] == "ho" and len(folded) < 4:
                continue
            form, detail, start = kind, det, len(seq)
            break
    while start < len(folded) - 1 and (folded[start] in _AFTER_FORM or
                                       (form == "household" and folded[start] in _AFTER_HOUSEHOLD)):
        if folded[start] in ("tnhh", "mtv"):
            detail = "tnhh"
        elif folded[start] == "cp":
            detail = "cp"
        start += 1
    if form == "other" and subject_type_of(name) == "household":
        form = "household"
    acc, folded = acc[start:], folded[start:]
    core_acc: list[str] = []
    core_fold: list[str] = []
    i = 0
    while i < len(folded):
        n = _admin_at(acc, folded, i, accented)
        if n and core_fold and form != "household":
            break  # the rest is an address glued without punctuation
        if n and tuple(folded[i:i + n]) in _LEADING_ADMIN:
            i += n
            continue
        n = _match_at(folded, i, _GENERIC_BY_FIRST) if form != "household" else 0
        if n:
            i += n
            continue
        if folded[i] not in core_fold:  # "Yên Mông Yên Mông" (name and commune alike) counts once
            core_acc.append(acc[i])
            core_fold.append(folded[i])
        i += 1
    if not core_fold:  # nothing distinctive ("HTX Nông nghiệp"): the whole remainder is the name
        core_acc, core_fold = acc, folded
    return ParsedSubject(form, detail, " ".join(core_acc), " ".join(core_fold))


def place_key(value: str | None) -> str:
    """'Xã Song An' / 'song an' / 'X. Song An' -> 'song an'; districts likewise."""
    key = fold_key(value)
    key = re.sub(r"^(?:xa|x|phuong|p|thi tran|tt|huyen|h|quan|q|thi xa|tx|thanh pho|tp)\s+", "", key)
    return key


def _digits(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", text))


def has_accents(text: str) -> bool:
    return any(ord(ch) > 127 for ch in text)


def spaceless(text: str) -> str:
    """The secondary key: a name with its spaces removed ("lang biang" and "langbiang" agree)."""
    return text.replace(" ", "")


def _join_into(words: list[str], targets: frozenset[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2):  # a Vietnamese name glues at most a few syllables ("Lang Biang", "Đà Lạt")
            if i + n <= len(words) and "".join(words[i:i + n]) in targets:
                out.append("".join(words[i:i + n]))
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def join_split_words(a: str, b: str) -> tuple[str, str]:
    """Write both names' syllables the same way: where one side writes solid a word that the other
    writes apart ("langbiang" / "lang biang farm"), the split side is glued too. Vietnamese writes
    each syllable apart, so brand names and place names glued in one source are still the same words."""
    wa, wb = a.split(), b.split()
    ta, tb = frozenset(w for w in wa if len(w) > 3), frozenset(w for w in wb if len(w) > 3)
    return " ".join(_join_into(wa, tb)), " ".join(_join_into(wb, ta))


def name_score(a: str, b: str, a_fold: str, b_fold: str) -> float:
    """Similarity of two cores: accented when both are accented (so 'hùng' and 'hưng' differ),
    folded when a source dropped its accents. Mean of token sort and token set ratios: a subset
    ("yên mông" / "yên mông hòa bình") scores between the thresholds, not as a full match."""
    if has_accents(a) and has_accents(b):
        x, y = a, b
    else:
        x, y = a_fold, b_fold
    if x == y:
        return 100.0
    x, y = join_split_words(x, y)
    if x == y:  # "LangBiang" / "Lang Biang": one name written solid or apart
        return 100.0
    if _digits(x) != _digits(y):  # "HTX Yên Mông 2", "Nước mắm 40 độ đạm": numbers name things
        return min(SUBJECT_LOW - 1, fuzz.token_sort_ratio(x, y))
    return (fuzz.token_sort_ratio(x, y) + fuzz.token_set_ratio(x, y)) / 2


# ---------------------------------------------------------------- product names

# Packaging and size in parentheses or at the end: "(hộp 50g)", "500ml", "loại 1kg".
_PACKAGING = re.compile(
    r"\((?:[^()]*\d[^()]*|\s*(?:hop|chai|lo|tui|goi|hu|can|binh|thung|vi|hop qua|tui loc|bich)\b[^()]*)\)"
)
_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:g|gr|gram|kg|ml|l|lit|lit|cc)\b")
# "Sản phẩm: X", "SP. X", and "Sản phẩm X" with no punctuation (a list's habit, and the news's
# "sản phẩm mật ong ..."): only when a name follows, so "Sản phẩm" alone stays a name.
_PREFIX = re.compile(r"^\s*(?:(?:ten san pham|san pham)(?:\s*[:.\-]\s*|\s+(?=\w))|sp\s*[:.\-]\s*)(?=\S)")
# A parenthesised aside that is not packaging: "Mật ong hoa cam (Ong Vàng)".
_ASIDE = re.compile(r"\(([^()]*)\)")
# Words that may stand beside a place or brand added to a name without making another product:
# "Miến dong xã Quy Mông", "Chè đặc sản Tân Cương", "Gạo thương hiệu Hải Hậu".
# Phrases, not words: "nhãn" alone is longan ("Mật ong hoa nhãn"), only "nhãn hiệu" is a label.
_BESIDE_BRAND = _by_first(tuple(p.split()) for p in ("xa", "huyen", "tinh", "thon", "dac san", "thuong hieu",
                                                      "nhan hieu"))
_QUOTES = re.compile(r"[\"'“”‘’«»]")


@dataclass(frozen=True)
class ParsedProduct:
    tokens: tuple[str, ...]  # accented, lower case
    folded: tuple[str, ...]
    proper: frozenset[str]  # folded tokens written capitalised inside the name (brands, places)
    asides: tuple[frozenset[str], ...] = ()  # folded words of each parenthesised aside (not packaging)
    bare_tokens: tuple[str, ...] = ()  # accented tokens without the asides
    bare: tuple[str, ...] = ()  # folded tokens without the asides

    @property
    def key(self) -> str:
        return " ".join(self.folded)


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the (possibly overlapping) spans replaced by a space each."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + " " + text[end:]
    return text


@lru_cache(maxsize=65536)
def parse_product(name: str | None) -> ParsedProduct:
    """'Sản phẩm: Trà hoa vàng "Ba Chẽ" (hộp 50g)' -> trà hoa vàng ba chẽ, with {ba, che} as proper words."""
    text = clean_text(name)
    asides: tuple[frozenset[str], ...] = ()
    bare_text = text
    # the patterns run on an accent-free copy of the same length, then cut the same spans
    lowered = "".join(strip_accents(ch).lower() if ch.isalnum() else ch for ch in text)
    if len(lowered) == len(text):
        spans = [(m.start(), m.end()) for m in _PACKAGING.finditer(lowered)]
        aside_spans = [m for m in _ASIDE.finditer(lowered) if (m.start(), m.end()) not in spans]
        asides = tuple(frozenset(fold_key(w) or w.lower() for w in re.findall(r"\w+", text[m.start(1):m.end(1)]))
                       for m in aside_spans)
        spans += [(m.start(), m.end()) for m in _SIZE.finditer(lowered)]
        m = _PREFIX.match(lowered)
        if m:
            spans.append((0, m.end()))
        bare_text = _cut(text, spans + [(m.start(), m.end()) for m in aside_spans])
        text = _cut(text, spans)
    text = _QUOTES.sub(" ", text)
    bare_words = re.findall(r"\w+", _QUOTES.sub(" ", bare_text))
    words = re.findall(r"\w+", text)
    all_caps = all(not w.isalpha() or w.isupper() for w in words)
    tokens = tuple(w.lower() for w in words)
    folded = tuple(fold_key(w) or w.lower() for w in words)
    proper = frozenset() if all_caps else frozenset(
        f for n, (w, f) in enumerate(zip(words, folded, strict=True)) if n > 0 and w[:1].isupper())
    return ParsedProduct(tokens, folded, proper, tuple(a for a in asides if a), tuple(w.lower() for w in bare_words),
                         tuple(fold_key(w) or w.lower() for w in bare_words))


def _extra_words(short: tuple[str, ...], long_: tuple[str, ...]) -> list[str] | None:
    """The words of `long_` left once `short` is found in it in order, or None when it is not there.
    Repeated words count: "mật ong hoa cam (ong vàng)" is "mật ong hoa cam" plus "ong vàng"."""
    extra: list[str] = []
    n = 0
    for t in long_:
        if n < len(short) and t == short[n]:
            n += 1
        else:
            extra.append(t)
    return extra if n == len(short) else None


def _without_phrases(words: list[str], index: dict[str, tuple[tuple[str, ...], ...]]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        n = _match_at(words, i, index)
        if not n:
            out.append(words[i])
        i += n or 1
    return out


def _plain_words(p: ParsedProduct, brand: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """(accented, folded, named words) of a product name once what names no other product is gone:
    a parenthesised aside that repeats a word of the name or of the producer, or is all capitalised
    (a brand: "Mật ong hoa cam (Ong Vàng)"), and "xã" / "đặc sản" just before a named word."""
    named = p.proper | brand
    tokens, folded = p.tokens, p.folded
    if p.asides and all(a & (set(p.bare) | brand) or a <= p.proper for a in p.asides):
        tokens, folded = p.bare_tokens, p.bare
        named = named.union(*p.asides)
    keep: list[int] = []
    i = 0
    while i < len(folded):
        n = _match_at(list(folded), i, _BESIDE_BRAND)
        if n and i + n < len(folded) and folded[i + n] in named:
            i += n
            continue
        keep.append(i)
        i += 1
    return tuple(tokens[k] for k in keep), tuple(folded[k] for k in keep), named


def product_pair(a: ParsedProduct, b: ParsedProduct, brand: frozenset[str] = frozenset()) -> tuple[str, float, str]:
    """(same | review | different, score, reason) for two names of one subject's products.

    A name that is the other plus a brand or place ("Mật ong hoa nhãn Yên Mông": capitalised words,
    or words of the producer's own name, maybe after "xã" or "đặc sản"; or an aside in parentheses
    that repeats a word of the name or the producer's, "Mật ong hoa cam (Ong Vàng)") is the same
    product; plus an ordinary word ("Mật ong" / "Mật ong hoa nhãn") it goes to review; otherwise the
    names are scored, without their brands. Words written solid on one side and apart on the other
    ("LangBiang" / "Lang Biang") are compared glued."""
    if a.folded == b.folded:
        return "same", 100.0, "same name"
    if _digits(" ".join(a.folded)) != _digits(" ".join(b.folded)):
        x, y = (" ".join(p.tokens if has_accents(" ".join(a.tokens + b.tokens)) else p.folded) for p in (a, b))
        return "different", float(fuzz.token_sort_ratio(x, y)), "numbers differ"
    (ta, fa, na), (tb, fb, nb) = _plain_words(a, brand), _plain_words(b, brand)
    fa_s, fb_s = join_split_words(" ".join(fa), " ".join(fb))
    if fa_s == fb_s:
        return "same", 100.0, "same name without brand" if fa == fb else "written solid or apart"
    x, y = fa_s, fb_s
    if has_accents(" ".join(ta)) and has_accents(" ".join(tb)):
        x, y = join_split_words(" ".join(ta), " ".join(tb))
    (short_seq, _), (long_seq, long_named) = sorted(((tuple(fa_s.split()), na), (tuple(fb_s.split()), nb)),
                                                  key=lambda p: len(p[0]))
    extra = _extra_words(short_seq, long_seq) if len(long_seq) > len(short_seq) else None
    if extra is not None:
        if set(extra) <= long_named and len(set(short_seq)) >= 2:
            return "same", 100.0, "brand or place added"
        return "review", float(fuzz.token_set_ratio(x, y) + fuzz.token_sort_ratio(x, y)) / 2, "words added"
    score = float(fuzz.token_sort_ratio(x, y))
    if score >= PRODUCT_HIGH:
        return "same", score, "names similar"
    if score >= PRODUCT_LOW:
        return "review", score, "names similar"
    return "different", score, "names differ"
