"""The page's primary figures from the numbers its sentences give (the `counts` and `cumulative` of
`ocop extract-article`).

`counts.mentions` classifies each written number of products or subjects within its sentence
(batch, cumulative, target, candidate ...). A page then reports its figures in groups: a whole and
its parts ("công nhận 53 sản phẩm. Trong đó, có 12 sản phẩm đạt 4 sao, 41 sản phẩm đạt 3 sao"),
running totals beside a batch, figures of one producer or one district, earlier batches. This
module puts the mentions into those groups and picks, among them, the page's primary batch (or,
without one, its snapshot), following the devset's conventions (../shared/news_devset/README.md):

- The parts of a whole take the whole's standing: a sentence opening "Trong đó", "Cụ thể", "Of
  those" ..., the rest of its paragraph, and the items of a list after "...như sau:", are parts of
  the group just before it, and inherit its mode ("Đến nay có 60 sản phẩm. Trong đó 7 sản phẩm
  được phân hạng 4 sao" is a stock of 60, not a batch of 7).
- Figures of one producer ("02 sản phẩm của HTX Nghĩa Bình", "Công ty X có 4 sản phẩm") and lists
  of figures by place ("huyện Tiên Du (15 sản phẩm); huyện Thuận Thành (14 sản phẩm)") are not the
  page's figures.
- The primary batch is the first group that states its whole; groups that give only parts of the
  same whole fill what it lacks. Another batch with another whole ("Trước đó ... 26 sản phẩm") is
  kept as a fact only.
- "N sản phẩm đạt 4 sao" standing alone is a whole of N, all 4 stars: total N and stars_4 N. A star
  level written twice with two numbers in one group (two parts of it) gives no figure: the text
  gives parts, and sums are never computed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ocop_pipeline.news import counts as NC
from ocop_pipeline.news import patterns
from ocop_pipeline.news import product_lines as NPL

COUNT_KEYS = ("total", "stars_3", "stars_4", "stars_5", "subjects")
# Star specs that name a whole rather than one level: "3-4 sao", "3 sao trở lên".
_WHOLE_STARS = {None, "3-4", "3+", "3-5", "4-5", "4+"}

_rx = patterns.compiler(__name__, re.IGNORECASE)



# A sentence that opens on the parts of what came just before.
_OPENER = (
    r"^[\s\-–•+*(]*(?:trong\s+(?:đó|số\s+(?:đó|này|\d+\s+sản\s+phẩm))|cụ\s+thể|theo\s+đó|bao\s+gồm|gồm|"
    r"còn\s+(?=\d)|of\s+(?:those|which|these|them)|among\s+(?:them|those|these|which)|including|"
    r"accordingly|specifically|in\s+which)\b"
)
# A list item under a heading line ("...như sau:" / "1. Công nhận 11 sản phẩm ...").
_LIST_ITEM = r"^\s*(?:\d{1,2}\s*[.)]|[a-zđ]\)|[-+•*–])\s*"
# Producer named right after the number ("02 sản phẩm của HTX X") or before it ("Công ty X có 4 sản phẩm").
_OF_PRODUCER = r"^\s*(?:OCOP\s+)?(?:khác\s+)?(?:của|do|by|from)\s+(?:" + NPL.SUBJECT_KW + r")"
_PRODUCER_HAS = NPL.SUBJECT_KW + r"[^,;:()]{0,60}?\s(?:có|has|with|với)\s*$"
# A place word, a name and a link word right before a number: one entry of a list of figures by
# place ("Thị xã Duy Tiên có 42 sản phẩm", "huyện Tiên Du (15 sản phẩm", "H.Long Thành có 12").
_PLACE = (
    r"(?:huyện|thị\s+xã|thành\s+phố|tp\.?|h\.|quận|xã|phường|làng\s+nghề|district|commune)\s*"
    r"(?P<name>\w[\w.]*(?:\s+\w[\w.]*){0,3}?)\s*(?:có|với|:|\(|-|–|has|with)?\s*(?:tới\s+)?$"
)


# _PLACE's place words, lower case.
_PLACE_WORD = r"huyện|thị\s+xã|thành\s+phố|tp|h\.|quận|xã|phường|làng\s+nghề|district|commune"


def _place_entry(before: str) -> bool:
    """Whether the text before a number ends in a place's name (capitalised) and a link word."""
    low = before.lower()
    # From the last place word on, anchored: searching the whole window for a pattern anchored at
    # its end would try it from every position.
    starts = [m.start() for m in _rx("place_word", _PLACE_WORD, 0).finditer(low)]
    for start in reversed(starts):
        m = _rx("place", _PLACE).match(before, start)
        if m:
            return all(w[:1].isupper() for w in m.group("name").split())
    return False


# "8 others were rated 3 stars", "5 sản phẩm còn lại": the rest of a whole, never the whole itself.
_THE_REST = r"\bothers\b|\bsản\s+phẩm\s+(?:khác|còn\s+lại)\b"


@dataclass
class Occurrence:
    """One mention where the page gives it: its sentence, paragraph and place in the paragraph."""

    mention: NC.Quantity
    sentence: str
    para: int
    sent: int  # index of the sentence in its paragraph
    opener: bool = False  # the sentence opens on parts ("Trong đó ...")
    list_item: bool = False  # the paragraph is an item of a list under a heading ending in ":"
    mode: str = ""  # the mode once the group is known (the mention's own mode, or its whole's)
    role: str = ""  # "own" (the page's), "producer" or "place" (one producer's or one place's figure)


@dataclass
class Group:
    """A whole and its parts."""

    mode: str
    items: list[Occurrence] = field(default_factory=list)
    stated: dict[str, int | None] | None = None  # _stated's answer, once the group is complete

    @property
    def head(self) -> Occurrence:
        return self.items[0]


@dataclass
class Figures:
    counts: dict[str, int | None]
    cumulative: dict[str, int | None]
    # The sentences the batch and the snapshot come from (for the level and the facts).
    batch_sentences: list[str]
    snapshot_sentences: list[str]
    batch_stars: set[str]
    notes: list[str]
    # Which occurrences are the page's (role "own"), and their final mode.
    occurrences: list[Occurrence]


def _empty() -> dict[str, int | None]:
    return dict.fromkeys(COUNT_KEYS)


def _roles(occs: list[Occurrence]) -> None:
    """Mark figures of one producer and lists of figures by place."""
    by_sentence: dict[tuple[int, int], list[Occurrence]] = {}
    for o in occs:
        by_sentence.setdefault((o.para, o.sent), []).append(o)
    # A sentence the page repeats (a lead, a caption) has the same mentions, hence the same roles.
    done: dict[str, list[str]] = {}
    for group in by_sentence.values():
        sent = group[0].sentence
        known = done.get(sent)
        if known is not None and len(known) == len(group):
            for o, role in zip(group, known):
                o.role = role
            continue
        placed = 0
        prev_end = 0
        puncts = [c.start() for c in _rx("clause_punct", r"[,;:.(]", 0).finditer(sent)]
        for o in group:
            m = o.mention
            o.role = "own"
            if m.unit == "products":
                after = sent[m.end : m.end + 80]
                i = bisect_left(puncts, m.start)
                clause_start = puncts[i - 1] + 1 if i else 0
                before = sent[max(clause_start, prev_end) : m.start]
                # Cheap tests first: a producer's name holds a subject word, a place entry a place word.
                low_before = before.lower()
                if (after[:12].lstrip()[:1] in "cCdDbBfFoOkK" and _rx("of_producer", _OF_PRODUCER).match(after)) or (
                    low_before.rstrip().endswith(("có", "has", "with", "với"))
                    and any(w in low_before for w in NPL._SUBJECT_WORDS)
                    and _rx("producer_has", _PRODUCER_HAS).search(before)
                ):
                    o.role = "producer"
                elif _place_entry(sent[max(prev_end, m.start - 45) : m.start]):
                    placed += 1
                    o.role = "place"
            prev_end = m.end
        # One place with a number is the page's own subject ("huyện Tây Sơn có 9 sản phẩm"); two or
        # more make a list by place, and what follows the first of them belongs to the list; so
        # does one that opens a breakdown ("Trong đó, Thành phố Ngã Bảy có 1 sản phẩm 4 sao").
        if placed >= 2 or (placed and _rx("opener", _OPENER).match(sent)):
            first = next(i for i, o in enumerate(group) if o.role == "place")
            for o in group[first:]:
                if o.role == "own":
                    o.role = "place"
        else:
            for o in group:
                if o.role == "place":
                    o.role = "own"
        done[sent] = [o.role for o in group]


def _inherit(own: str, whole: str) -> str | None:
    """The mode of a part given its own and its whole's; None when the part stands apart."""
    if own in ("unknown", whole):
        return whole
    if own == "batch" and whole == "cumulative":
        return whole  # "Trong đó 7 sản phẩm được phân hạng 4 sao" describes the stock's parts
    return None


def _groups(occs: list[Occurrence]) -> list[Group]:
    """The mentions in wholes-and-parts groups, in reading order, each with its final mode."""
    groups: list[Group] = []
    current: Group | None = None
    region: tuple[int, Group] | None = None  # (paragraph, group) of parts opened by an opener
    last_key: tuple[int, int] | None = None
    last_raw = ""  # the mode counts.mentions gave the number before
    heading_group: Group | None = None
    for o in occs:
        key = (o.para, o.sent)
        m = o.mention
        joined = False
        if current is not None and key == last_key:
            # The same sentence: parts of the whole unless the mode changes ("công nhận 45 sản
            # phẩm, nâng tổng số lên 320"); a mention read like the one before it goes where it went.
            joined = m.mode in (current.mode, "unknown", last_raw)
            if not joined and current.mode == "unknown" and all(x.sentence is o.sentence for x in current.items):
                # A whole without a verb and its parts with one ("có 59 sản phẩm: trong đó 1 sản
                # phẩm được phân hạng 5 sao, ..."): the parts say what the whole is.
                current.mode = m.mode
                for x in current.items:
                    x.mode = m.mode
                joined = True
        elif current is not None and o.opener and last_key is not None and _adjacent(last_key, key):
            joined = _inherit(m.mode, current.mode) is not None
        elif region is not None and region[0] == o.para and m.stars is not None:
            current = region[1]
            joined = _inherit(m.mode, current.mode) is not None
        elif o.list_item and heading_group is not None:
            current = heading_group
            joined = _inherit(m.mode, current.mode) is not None
        if joined and current is not None:
            o.mode = _inherit(m.mode, current.mode) or current.mode
            current.items.append(o)
            if o.opener:
                region = (o.para, current)
        else:
            o.mode = m.mode
            current = Group(m.mode, [o])
            groups.append(current)
            region = (o.para, current) if o.opener else None
        if o.sentence.rstrip().endswith(":"):
            heading_group = current
        elif not o.list_item:
            heading_group = None
        last_key, last_raw = key, m.mode
    return groups


def _adjacent(prev: tuple[int, int], key: tuple[int, int]) -> bool:
    """Whether `key` is the sentence right after `prev` (same paragraph, or the next one's first)."""
    if key[0] == prev[0]:
        return key[1] == prev[1] + 1
    return key[0] == prev[0] + 1 and key[1] == 0


def _fill(into: dict[str, int | None], group: Group) -> dict[str, int | None]:
    """The figures a group states: its whole and its parts, each star level once."""
    own = [o for o in group.items if o.role == "own" and not o.mention.potential]
    out = _empty()
    if not own:
        return out
    head = own[0]
    star_parts: dict[str, set[int]] = {}
    prev: Occurrence | None = None
    for o in own:
        m = o.mention
        if m.unit != "products":
            continue
        # "6 sản phẩm đạt 4 sao (có 1 sản phẩm thăng hạng từ 3 sao lên 4 sao)": a part of a part,
        # in the parenthesis after it, is not one more part of the whole.
        if prev is not None and prev.sentence is o.sentence and prev.mention.stars in ("3", "4", "5"):
            opened = o.sentence.rfind("(", prev.mention.end, m.start)
            if opened >= 0 and o.sentence.find(")", opened, m.start) < 0:
                continue
        if m.stars in ("3", "4", "5"):
            star_parts.setdefault(m.stars, set()).add(m.value)
        prev = o
    hm = head.mention
    if hm.unit == "products" and hm.stars in _WHOLE_STARS:
        out["total"] = hm.value
    elif (
        hm.unit == "products" and hm.stars in ("3", "4", "5") and len(star_parts) == 1 and len(star_parts[hm.stars]) == 1
        and not _rx("rest", _THE_REST).search(head.sentence, hm.start, hm.end + 12)
    ):
        out["total"] = hm.value  # "thêm 7 sản phẩm OCOP 3 sao": a whole of 7, all of them 3 stars
    for spec, values in star_parts.items():
        if len(values) == 1:
            out[f"stars_{spec}"] = next(iter(values))
    # Subjects of the whole: after the whole ("53 sản phẩm của 27 chủ thể") or on their own; not
    # those of one star level ("10 sản phẩm của 8 chủ thể đạt 3 sao và 8 sản phẩm của 4 chủ thể ...").
    prev: Occurrence | None = None
    for o in own:
        m = o.mention
        if m.unit == "subjects" and out["subjects"] is None:
            attached_to_part = (
                prev is not None and prev is not head and prev.mention.unit == "products"
                and prev.sentence is o.sentence
                and bool(_rx("of_subj", r"^\s*(?:của|from|of|do)\s*$").match(o.sentence[prev.mention.end : m.start]))
            )
            if not attached_to_part:
                out["subjects"] = m.value
        prev = o
    for k, v in out.items():
        if into.get(k) is None and v is not None:
            into[k] = v
    return out


def _stated(g: Group) -> dict[str, int | None]:
    """The figures the group states (_fill), computed once: groups are complete before any pick."""
    if g.stated is None:
        g.stated = _fill({}, g)
    return g.stated


def _pick(groups: list[Group], mode: str) -> tuple[dict[str, int | None], list[Group]]:
    """The figures of the primary group of this mode, completed by the groups that only give parts."""
    mine = [g for g in groups if g.mode == mode and any(o.role == "own" and not o.mention.potential for o in g.items)]
    result = _empty()
    # The products a revocation names, named again ("Trong 47 sản phẩm (được cấp chứng nhận năm
    # 2021), có ..."), are not a batch or a stock.
    revoked = {_stated(g)["total"] for g in groups if g.mode == "revoked"} - {None}
    mine = [g for g in mine if _stated(g)["total"] not in revoked]
    if not mine:
        return result, []
    stated = [(g, _stated(g)) for g in mine]
    primary = next(((g, f) for g, f in stated if _explicit_total(g)), stated[0])
    _fill(result, primary[0])
    used = [primary[0]]
    whole = result["total"]
    for g, f in stated:
        if g is primary[0]:
            continue
        if f["total"] is not None and f["total"] == whole:
            pass  # the same whole again (a title, a caption, a repeat)
        elif _explicit_total(g):
            continue  # another whole: another batch or stock
        elif whole is not None and any(v is not None and v > whole for v in f.values()):
            continue
        else:
            # A part ("Ba sản phẩm ... đạt 3 sao") is not the whole, nor are its subjects the
            # whole's; subjects on their own ("trao giấy chứng nhận cho 8 chủ thể") are.
            only_subjects = all(o.mention.unit == "subjects" for o in g.items)
            f = dict(f, total=None, subjects=f["subjects"] if only_subjects else None)
        changed = False
        for k, v in f.items():
            if result[k] is None and v is not None:
                result[k] = v
                changed = True
        if changed:
            used.append(g)
    return result, used


def _complete(result: dict[str, int | None], groups: list[Group], modes: tuple[str, ...]) -> list[Group]:
    """Fill what the primary figures lack from groups of other modes that state the same whole: a
    headline's "99 sản phẩm đạt 3 đến 4 sao" and the body's "Đến nay có 99 sản phẩm OCOP, trong đó
    24 sản phẩm 4 sao ..." are one figure."""
    used = []
    if result["total"] is None:
        return used
    for g in groups:
        if g.mode not in modes:
            continue
        f = _stated(g)  # its whole, written or implied ("9 sản phẩm OCOP hạng 3 sao")
        if f["total"] != result["total"]:
            continue
        for k, v in f.items():
            if result[k] is None and v is not None:
                result[k] = v
                if g not in used:
                    used.append(g)
    return used


def _explicit_total(g: Group) -> bool:
    own = [o for o in g.items if o.role == "own" and not o.mention.potential]
    return bool(own) and own[0].mention.unit == "products" and own[0].mention.stars in _WHOLE_STARS


def mark_structure(occs: list[Occurrence], paragraphs: list[str]) -> None:
    """Set the opener and list-item flags from the sentences and paragraphs."""
    opener = _rx("opener", _OPENER)
    item = _rx("list_item", _LIST_ITEM)
    opens: dict[str, bool] = {}
    items: dict[int, bool] = {}
    for o in occs:
        if o.sentence not in opens:
            opens[o.sentence] = bool(opener.match(o.sentence))
        if o.para not in items:
            items[o.para] = bool(item.match(paragraphs[o.para])) and o.para > 0
        o.opener, o.list_item = opens[o.sentence], items[o.para]


def select(occs: list[Occurrence], paragraphs: list[str], title: str | None = None) -> Figures:
    """The page's batch (`counts`) and running totals (`cumulative`) from its mentions, in reading
    order; `title` (not among the body's sentences) is read only when the body's batch lacks a total."""
    mark_structure(occs, paragraphs)
    _roles(occs)
    groups = _groups(occs)
    notes: list[str] = []
    counts, batch_groups = _pick(groups, "batch")
    cumulative, cum_groups = _pick(groups, "cumulative")
    # A title gives the whole when the body gives only its parts ("Công nhận 131 sản phẩm ..." over
    # "103 sản phẩm 3 sao, 25 sản phẩm 4 sao ...").
    if title and counts["total"] is None:
        for o in (Occurrence(m, title, -1, 0) for m in NC.mentions(title)):
            m = o.mention
            if (
                m.unit == "products" and m.mode in ("batch", "unknown") and not m.potential and m.stars in _WHOLE_STARS | {"3", "4", "5"}
                and all(v is None or v <= m.value for v in counts.values())
                and (batch_groups or m.mode == "batch")
            ):
                counts["total"] = m.value
                if m.stars in ("3", "4", "5") and counts[f"stars_{m.stars}"] is None and not batch_groups:
                    counts[f"stars_{m.stars}"] = m.value
                notes.append("counts.total from the title")
                break
    if any(v is not None for v in counts.values()):
        batch_groups = batch_groups + _complete(counts, groups, ("unknown", "cumulative"))
    cum_groups = cum_groups + _complete(cumulative, groups, ("unknown",))
    batch_sentences = list(dict.fromkeys(o.sentence for g in batch_groups for o in g.items if o.role == "own"))
    snapshot_sentences = list(dict.fromkeys(o.sentence for g in cum_groups for o in g.items if o.role == "own"))
    batch_stars = {o.mention.stars for g in batch_groups for o in g.items if o.role == "own" and o.mention.stars}
    return Figures(counts, cumulative, batch_sentences, snapshot_sentences, batch_stars, notes, occs)
