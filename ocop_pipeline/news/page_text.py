"""News page -> title, published date, body paragraphs, without the site's boilerplate.

Works on HTML (bytes or str) and on plain text already extracted from a page (the seeds). No
per-site selectors: the page is cut into blocks (paragraphs, list items, table rows, lines split by
<br>) with their link density, and the body is the blocks that read like prose, with the usual
Vietnamese news furniture ("Tin liên quan", "Đọc nhiều", comment templates, footers, image
placeholders) recognised by its vocabulary. A site YAML may pass a CSS selector for its body.

Speed matters (tens of thousands of pages): the HTML is parsed once with selectolax (lexbor), block
boundaries are inserted as marker characters by one regex pass before parsing, so the whole text
comes out of the tree in a single C call and the rest is string work.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from ocop_pipeline.news import patterns
from ocop_pipeline.text import charsets
from ocop_pipeline.text.folding import fold_clean
from ocop_pipeline.text.legacy_fonts import fix_legacy_text
from ocop_pipeline.text.normalize import LOOKALIKES, clean_text

# Marker characters put into the HTML before parsing (control characters never found in pages).
_BLOCK = "\x1e"
_CELL = "\x1f"
_LINK_ON = "\x02"
_LINK_OFF = "\x03"

_RX = patterns.cache(__name__)
_rx = patterns.compiler(__name__)

# clean_text without its cache: article blocks are almost all unique, so caching them only costs
# time and keeps megabytes of page text alive in a cache shared with the spreadsheet readers.
_clean_text_uncached = getattr(clean_text, "__wrapped__", clean_text)
_fix_legacy_uncached = getattr(fix_legacy_text, "__wrapped__", fix_legacy_text)


# ---------------------------------------------------------------------------------------------
# Bounds: what no article page exceeds, refused by name (issue 14)
# ---------------------------------------------------------------------------------------------

# Nesting deeper than this is a broken or hostile page (real news pages nest 20 to 60 levels). The
# HTML parser's cost grows faster than the square of the depth (200,000 nested <div>: minutes), so
# the depth is judged from the tags before parsing.
MAX_DOM_DEPTH = 1024
# Below this many tags the page cannot nest deep enough to cost anything: it is not scanned.
DEPTH_CHECK_MIN_TAGS = 8192
# Tags ("<" counted, in C) of one page: an article with MAX_BLOCKS table rows of five cells has
# about that many; news pages have a few thousand. Refused before the parser builds a tree of them.
MAX_TAGS = 250_000
# Paragraphs, rows and lines of one page; the longest annexes of the corpus have a few thousand rows.
MAX_BLOCKS = 20_000
# Characters in one block: a paragraph this long is a page pasted without breaks, not prose.
MAX_BLOCK_CHARS = 100_000


class PageRefused(ValueError):
    """A page outside the bounds above; `reason` says which, in words fit for a reject."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Elements that never hold others (void) or whose end tag may be left out (the next one closes
# them): neither deepens the tree when left open.
_NO_DEPTH_TAGS = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp".split()
)


def _depth_rx() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Comments, scripts and styles first taken out whole: a "<div" inside them is no tag.
    skip = _rx("depthskip", r"<!--.*?(?:-->|\Z)|<script\b.*?(?:</script\s*>|\Z)|<style\b.*?(?:</style\s*>|\Z)",
               re.IGNORECASE | re.DOTALL)
    # The names as a case-blind trie (_caseless): re.IGNORECASE on a 30-name alternation, tried at
    # every "<", costs seconds on a page of a million tags.
    tags = _RX.get("depthtags")
    if tags is None:
        tags = _RX["depthtags"] = re.compile(r"<(/?)(?!(?:" + _caseless(sorted(_NO_DEPTH_TAGS)) + r")\b)[A-Za-z]")
    return skip, tags


def dom_depth(html: str) -> int:
    """How deep the elements of `html` nest: the most tags that can hold others open at once, a
    close tag with nothing open ignored. Counted from the tags alone, without a tree (building one
    is the cost being avoided), and without a Python loop: with S the running sum of +1 per open and
    -1 per close tag (S_0 = 0), the depth after tag i is S_i - min(S_0..S_i), so the deepest point
    is the largest gap between the running sum and its running minimum, all computed in C."""
    skip, tags = _depth_rx()
    if "<!--" in html or "<s" in html or "<S" in html:
        html = skip.sub("", html)
    steps = map({"": 1, "/": -1}.__getitem__, tags.findall(html))
    sums = list(itertools.accumulate(steps, initial=0))
    return max(map(operator.sub, sums, itertools.accumulate(sums, min)))


def check_markup(html: str) -> None:
    """PageRefused when `html` has more than MAX_TAGS tags or nests deeper than MAX_DOM_DEPTH (only
    pages of many tags are scanned for their depth)."""
    tags = html.count("<")
    if tags < DEPTH_CHECK_MIN_TAGS:
        return
    # Depth first: it names what is wrong with a deep page, which has many tags too.
    if dom_depth(html) > MAX_DOM_DEPTH:
        raise PageRefused(f"DOM deeper than {MAX_DOM_DEPTH} levels")
    if tags > MAX_TAGS:
        raise PageRefused(f"more than {MAX_TAGS} tags ({tags})")



# ---------------------------------------------------------------------------------------------
# Decoding bytes
# ---------------------------------------------------------------------------------------------

# The charset policy (BOM, <meta charset>, WHATWG labels, utf-8 then cp1258 fallbacks): text/charsets.py.
decode_bytes = charsets.decode


# ---------------------------------------------------------------------------------------------
# Blocks
# ---------------------------------------------------------------------------------------------


@dataclass
class Block:
    """One paragraph-like unit of the page, in reading order."""

    text: str
    link_chars: int = 0
    heading: bool = False

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0


@dataclass
class PageText:
    """What the text layer gives the fact layer."""

    title: str | None
    published: date | None
    body: list[str]
    all_blocks: list[str] = field(default_factory=list)
    encoding: str | None = None
    is_html: bool = False
    meta_description: str | None = None
    byline_lines: list[str] = field(default_factory=list)
    # (year, month) of a dateline that gives no day ("date 2024-11"): anchors dates written without a year.
    published_month: tuple[int, int] | None = None
    # The text (or attribute) of the element the site's registry names as its date (`date_selector`,
    # `date_attribute`), as written: news/dates.hinted_date reads it in the site's format.
    hinted_date: str | None = None


_BLOCK_TAGS = (
    "p|div|li|ul|ol|h[1-6]|table|blockquote|section|article|header|footer|main|"
    "dd|dt|dl|figure|figcaption|center|pre|address|form|nav|aside|caption"
)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<body" in head or "<!doctype" in head or bool(
        _rx("tagsniff", r"<(?:p|div|br|span|table|h[1-6])\b", re.IGNORECASE).search(text[:20000])
    )


# What re.IGNORECASE lets an ASCII letter match besides its two cases (Unicode simple folding).
_FOLD_EXTRA = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _caseless(names: list[str], *, top: bool = True) -> str:
    """An alternation of lower-case ASCII names, matched as re.IGNORECASE would match them, written
    as a trie: `d(?:[iI\u0130\u0131](?:[vV])|[dD]|[tT]|[lL])|D(?:...)|...`. re.IGNORECASE folds every
    character it compares; the trie tries a letter once for all names sharing it, and the first
    letter is spelt as literal branches (each case apart) because re skips a branch that opens with
    a literal after one comparison. Deeper letters are classes: literals there would double the
    pattern at every level."""
    by_first: dict[str, list[str]] = {}
    for n in names:
        by_first.setdefault(n[0], []).append(n[1:])
    alts = []
    for c, rests in by_first.items():
        longer = [r for r in rests if r]
        # An empty rest ("p" beside "pre") makes the tail optional; the \b after the whole
        # alternation decides, as it did after each name of the original alternation.
        tail = "(?:" + _caseless(longer, top=False) + ")" + ("?" if len(longer) < len(rests) else "") if longer else ""
        variants = (c, c.upper(), *_FOLD_EXTRA.get(c, "")) if c.isalpha() else (c,)
        if top:
            alts.extend(re.escape(v) + tail for v in variants)
        else:
            alts.append("[" + "".join(variants) + "]" + tail if len(variants) > 1 else re.escape(c) + tail)
    return "|".join(alts)


def _block_tag_rx() -> re.Pattern[str]:
    """A "<" that opens or closes a block tag (_BLOCK_TAGS), or opens <br>/<hr>, in any case."""
    rx = _RX.get("blocktag")
    if rx is None:
        names = [n for n in _BLOCK_TAGS.split("|") if n != "h[1-6]"] + [f"h{i}" for i in range(1, 7)]
        rx = _RX["blocktag"] = re.compile(r"<(?=/?(?:" + _caseless(names) + r")\b|(?:[bB]|[hH])[rR]\b)")
    return rx


# What each marked tag start gets before it: the token is the start of the tag as the one-pass
# pattern below captures it ("<" for a block tag, else the tag's first letters in their case).
_MARKS = {"<": _BLOCK + "<"}
for _a in "aA":
    _MARKS["<" + _a] = _LINK_ON + "<" + _a
    _MARKS["</" + _a] = _LINK_OFF + "</" + _a
for _t in "tT":
    _MARKS["</" + _t] = _CELL + "</" + _t
    for _d in "dDhH":
        _MARKS["</" + _t + _d] = _BLOCK + "</" + _t + _d


def _mark_rx() -> re.Pattern[str]:
    """The four marking patterns in one: a row's last cell end, another cell end, <a>, </a>, and a
    block tag (_block_tag_rx). At most one of them accepts a given "<", none looks across a "<"
    that another marks, and each captures a token of _MARKS naming its marker."""
    rx = _RX.get("mark")
    if rx is None:
        block = _block_tag_rx().pattern[1:]  # "(?=...)" after the "<"
        rx = _RX["mark"] = re.compile(
            r"(<(?:[aA]\b|/[aA](?=\s*>)|/[tT][dDhH](?=\s*>\s*</[tT][rR]\s*>)"
            r"|/[tT](?=[dDhH]\s*>(?!\s*</[tT][rR]))|" + block + "))"
        )
    return rx


def _mark_html(html: str) -> str:
    # One scan: re.split with the pattern's one group gives [text, token, text, token, ...]; each
    # token is swapped for marker + token by a dict look-up in C (re.sub with a template or a
    # function would expand each match in Python on 3.11). A marker just before "<a ...>" is the same
    # as one just after it: no text sits inside a tag. Text between table rows is moved out of the
    # table by the HTML parser, so a row's end is marked inside its last cell.
    parts = _mark_rx().split(html)
    parts[1::2] = map(_MARKS.__getitem__, parts[1::2])
    return "".join(parts)


# Containers that are furniture by their class or id, whatever the site. Matched by lexbor in C.
_FURNITURE_TOKENS = (
    "comment", "binhluan", "binh-luan", "relate", "lienquan", "lien-quan", "tinkhac", "tin-khac",
    "other", "mostview", "most-view", "docnhieu", "sidebar", "footer", "menu", "breadcrumb", "share",
    "social", "banner", "advert", "quangcao", "weather", "counter", "thongke",
)
_FURNITURE_CSS = ", ".join(
    f'[class*="{t}"], [id*="{t}"]' for t in _FURNITURE_TOKENS
)
_FURNITURE_RX = re.compile("|".join(_FURNITURE_TOKENS))


def _furniture_nodes(root) -> list:  # root: a selectolax node
    """root.css(_FURNITURE_CSS), from the nodes with a class or an id: lexbor tries the
    forty-eight substring selectors on every node, far more than one pattern on the few values
    there are. Same list: document order, a node once for each selector it matches (each token
    its class holds, each token its id holds), as lexbor gives a selector list."""
    out = []
    for node in root.css("[class], [id]:not([class])"):  # each node once
        attrs = node.attributes
        cls, ident = attrs.get("class") or "", attrs.get("id") or ""
        if _FURNITURE_RX.search(cls) or _FURNITURE_RX.search(ident):
            n = sum(1 for t in _FURNITURE_TOKENS if t in cls) + sum(1 for t in _FURNITURE_TOKENS if t in ident)
            out.extend([node] * n)
    return out


_DROP_TAGS = ["script", "style", "noscript", "iframe", "svg", "button", "select", "template", "nav",
              "aside", "footer", "form", "textarea", "input", "object", "embed", "canvas", "map"]


_UNMARK = str.maketrans("", "", _BLOCK + _CELL + _LINK_ON + _LINK_OFF)


def _html_blocks(html: str, body_selector: str | None, date_selector: str | None = None,
                 date_attribute: str | None = None) -> tuple[list[Block], dict[str, str]]:
    from selectolax.lexbor import LexborHTMLParser  # deferred: import stays cheap

    check_markup(html)
    tree = LexborHTMLParser(_mark_html(html))
    meta: dict[str, str] = {}
    head = tree.head
    if head is not None:
        for node in head.css("meta"):
            attrs = node.attributes
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            if key and attrs.get("content"):
                meta.setdefault(key, attrs["content"] or "")
        t = head.css_first("title")
        if t is not None:
            meta["<title>"] = t.text(deep=True)
    for node in tree.css("time[datetime], [itemprop=datePublished]"):
        value = node.attributes.get("datetime") or node.attributes.get("content")
        if value:
            meta.setdefault("<time>", value)
            break
    h1 = tree.css_first("h1")
    if h1 is not None:
        meta["<h1>"] = h1.text(deep=True)
    if date_selector:  # on this tree: a second parse of the page for its date cost a tenth of a build's extraction
        node = tree.css_first(date_selector)
        if node is not None:
            raw = node.attributes.get(date_attribute) if date_attribute else node.text()
            meta["<hinted date>"] = (raw or "").translate(_UNMARK).strip()

    root = None
    if body_selector:
        root = tree.css_first(body_selector)
    tree.strip_tags(_DROP_TAGS)
    if root is None:
        root = tree.body or tree.root
        if root is None:
            return [], meta
        total = len(root.text(deep=True))
        for node in _furniture_nodes(root):
            # A wrapper such as <div class="page has-sidebar"> holds the article too: keep it.
            if node.tag in ("body", "html"):
                continue
            if len(node.text(deep=True)) < 0.5 * total:
                node.decompose()
    raw = root.text(deep=True)
    blocks: list[Block] = []
    markers = _LINK_ON + _LINK_OFF
    for piece in raw.split(_BLOCK):
        if not piece or piece.isspace():
            continue
        if _CELL in piece:
            cells = [c.strip() for c in piece.split(_CELL)]
            piece = " | ".join(c for c in cells if c.strip(markers + " "))
        link = 0
        if _LINK_ON in piece:
            for seg in _rx("linkseg", "\x02([^\x02\x03]*)\x03?").findall(piece):
                link += len(seg.strip())
            piece = piece.replace(_LINK_ON, "").replace(_LINK_OFF, "")
        elif _LINK_OFF in piece:
            piece = piece.replace(_LINK_OFF, "")
        _check_block(piece, len(blocks))
        text = _clean_block(piece)  # collapses whitespace too
        if text:
            blocks.append(Block(text, link))
    return blocks, meta


def _check_block(piece: str, kept: int) -> None:
    """PageRefused before the page's block number `kept` + 1, or a block over MAX_BLOCK_CHARS, is read."""
    if kept >= MAX_BLOCKS:
        raise PageRefused(f"more than {MAX_BLOCKS} blocks (paragraphs, rows, lines)")
    if len(piece) > MAX_BLOCK_CHARS:
        raise PageRefused(f"a block of {len(piece)} characters (more than {MAX_BLOCK_CHARS})")


def _tone_chars(bases: str, *, more_marks: bool) -> str:
    """Precomposed letters whose NFD is one of `bases` then a tone mark (then further marks or not)."""
    tones = "\u0300\u0301\u0309\u0303\u0323"
    out = []
    for i in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        d = unicodedata.normalize("NFD", chr(i))
        if d[0] in bases and len(d) >= 2 and d[1] in tones and (len(d) > 2) == more_marks:
            out.append(chr(i))
    return "".join(out)


def _needs_full_clean_rx() -> re.Pattern[str]:
    # What clean_text would change in a block besides its whitespace: a look-alike character, a
    # combining mark (decomposed text), or a new-style tone ("hoà", "thuỷ", and "hoặc", whose NFD
    # puts the dot below right after the a). The tone part mirrors normalize._NEW_STYLE on NFC text:
    # its look-ahead sees the next letter, or the further mark of "ặ"/"ệ" (never a letter).
    rx = _RX.get("fullclean")
    if rx is None:
        lookalikes = "".join(re.escape(chr(k)) for k in LOOKALIKES)
        tone = []
        for first, bases in (("oO", "aAeE"), ("uU", "yY")):
            alts = [f"[{c}]" for c in [_tone_chars(bases, more_marks=True)] if c]
            alts.append("[" + _tone_chars(bases, more_marks=False) + r"](?![^\W\d_])")
            tone.append(f"(?<=[{first}])(?:" + "|".join(alts) + ")")
        # One pattern starting with a character class: re then skips ahead in C to the next
        # candidate character instead of trying the pattern at every position. A look-alike or a
        # mark matches alone (the look-behind sees the character just taken); an o or u needs a
        # tone after it. One scan of the block rather than one for each half.
        marks = lookalikes + "\u0300-\u036f"
        rx = _RX["fullclean"] = re.compile(
            "[" + marks + "oOuU](?:(?<=[" + marks + "])|(?<![qQ].)(?:" + "|".join(tone) + "))"
        )
    return rx


def _clean_block(piece: str) -> str:
    """clean_text of one block. Almost every block of a Unicode page is already canonical (NFC,
    old-style tones, no look-alikes, not a legacy font): then only its whitespace needs collapsing,
    which is several times cheaper than the NFD/regex/NFC round trip."""
    if not piece.isascii() and (
        _needs_full_clean_rx().search(piece)
        or not unicodedata.is_normalized("NFC", piece)
        or _fix_legacy_uncached(piece) is not piece
    ):
        return _clean_text_uncached(piece)
    # Collapsed already (every whitespace character but the space is unprintable): as the join gives it.
    if piece.isprintable() and "  " not in piece and piece[:1] != " " and piece[-1:] != " ":
        return piece
    return " ".join(piece.split())


# clean_text of any text, for callers outside this module (same contract as above).
clean_block = _clean_block


def _text_blocks(text: str) -> list[Block]:
    """One block per line, but a line broken mid-sentence (hard-wrapped text: it ends without a
    sentence mark and the next line goes on in lower case) is joined to the next."""
    blocks: list[Block] = []
    prev_open = False
    for line in text.splitlines():
        if not line.strip():
            prev_open = False
            continue
        _check_block(line, len(blocks))
        clean = _clean_block(line)
        if prev_open and clean[:1].islower():
            blocks[-1] = Block(blocks[-1].text + " " + clean)
            _check_block(blocks[-1].text, len(blocks) - 1)  # wrapped lines joined: one block again
        else:
            blocks.append(Block(clean))
        # Only prose wraps: a short line (a menu item, "anh tin bai") stays its own block.
        prev_open = len(blocks[-1].text) >= 40 and blocks[-1].text[-1:] not in ".!?:;…\"”)|"
    return blocks


# ---------------------------------------------------------------------------------------------
# Boilerplate vocabulary
# ---------------------------------------------------------------------------------------------

# Headings that open a list of other articles: what follows is links or teasers until prose resumes.
_LIST_HEADINGS = {
    "tin lien quan", "doc nhieu", "tin moi", "cac tin khac", "tin khac", "tin noi bat", "tin cung chuyen muc",
    "bai lien quan", "xem them", "tin da dua", "tin tuc lien quan", "cac bai viet khac", "bai viet lien quan",
    "tin xem nhieu", "xem nhieu", "tin moi nhat", "tin doc nhieu", "cac tin da dua", "tin bai lien quan",
    "tin tuc khac", "cung chuyen muc", "bai doc nhieu", "tieu diem", "noi bat", "video", "anh",
    "related news", "related articles", "most read", "latest news", "more news", "read more", "other news",
    "thong ke truy cap", "lien ket website", "lien ket web", "thu vien anh", "van ban moi",
    "dia phuong", "thoi tiet", "chuyen muc", "chia se", "tu khoa", "tags", "tag",
}

# Lines that end the article: comment boxes and footers.
_STOP_PREFIXES = (
    "y kien cua ban", "y kien ban doc", "gui y kien", "gui binh luan", "binh luan", "viet binh luan",
    "0 binh luan", "co quan chu quan", "ban quyen", "copyright", "giay phep", "nguoi chiu trach nhiem",
    "designed by", "thiet ke boi", "phat trien boi", "chiu trach nhiem noi dung", "tong bien tap",
    "dia chi toa soan", "toa soan", "leave a comment", "comments", "all rights reserved",
)

# Single lines that are furniture wherever they sit.
_JUNK_LINE = (
    r"^(?:anh tin bai|image advertisement|advertisement|quang cao|tat \[x\]|tat|chia se thong tin voi ban be!?"
    r"|in bai viet|in trang|gui email|gui cho ban be|ve dau trang|tro ve|quay lai|tra loi|thich|"
    r"chung nhan tin nhiem mang|luot xem:? \d+|so luot xem:? \d+|da xem:? \d+|views?:? \d+|"
    r"dang online:? \d+|hom nay:? \d+|hom qua:? \d+|trong tuan:? \d+|trong thang:? \d+|tat ca:? \d+|"
    r"tong (?:so )?(?:truy cap|luot truy cap):? [\d.,]+|\d+ binh luan|font size|print|email|facebook|"
    r"twitter|zalo|share|like|trang chu|home|viet boi quan tri.*|dang boi.*|"
    r".*\.(?:jpe?g|png|gif|webp|bmp)\b.*|\{[a-z]+\}.*|.*\{(?:name|time|body)\}.*)$"
)


# A key longer than this is also a repeat when it starts or ends an earlier long key (a lead
# paragraph repeated cut short, a teaser of the article).
_LONG = 100


def _key(text: str) -> str:
    """Comparison key of a block: folded for short lines (matched against the vocabulary above),
    lower-cased words for long ones (only compared with other blocks of the same page; cheaper)."""
    if len(text) <= 100:
        return fold_clean(text)
    low = text.lower()
    # Blocks arrive with their whitespace collapsed: then joining the words gives the text back.
    # Every whitespace character but the space is unprintable, so this test is exact.
    if low.isprintable() and "  " not in low and low[:1] != " " and low[-1:] != " ":
        return low
    return " ".join(low.split())


# _JUNK_LINE for keys from fold_clean (letters, digits and single spaces only): without the
# alternatives that need a "[", "." or "{", which cannot match there. Two of them open with ".*" and
# cost a scan of the key each.
_JUNK_NEEDS_PUNCT = (r"tat \[x\]|", r"|.*\.(?:jpe?g|png|gif|webp|bmp)\b.*|\{[a-z]+\}.*|.*\{(?:name|time|body)\}.*")
assert all(_JUNK_LINE.count(p) == 1 for p in _JUNK_NEEDS_PUNCT)
_JUNK_LINE_FOLDED = _JUNK_LINE.replace(_JUNK_NEEDS_PUNCT[0], "").replace(_JUNK_NEEDS_PUNCT[1], "")


def _is_junk(key: str, text: str, *, folded: bool = False) -> bool:
    """Whether a block is furniture; `folded`: the key comes from fold_clean."""
    junk = _rx("junk_folded", _JUNK_LINE_FOLDED) if folded else _rx("junk", _JUNK_LINE)
    # (One scan for "{" first: three scans for the placeholders cost more than the rest of the test.)
    if junk.match(key) or ("{" in text and ("{name}" in text or "{body}" in text or "{time}" in text)):
        return True
    # Caption file names and image placeholders: "...PV Báo VH&ĐS..JPG". Anchored at the end after
    # \s* (str.rstrip strips the same whitespace): a match starts at most five characters before
    # the trailing whitespace, so the search starts there rather than at every "." of the block.
    tail = max(0, len(text.rstrip()) - 5)
    if _rx("imgname", r"\.(?:jpe?g|png|gif|webp|bmp)\s*$", re.IGNORECASE).search(text, tail):
        return True
    # Bullets of counters and menus: "• Đang online: 1".
    return bool(text[:1] in "•·" and len(key.split()) <= 4)


def _is_prose(block: Block) -> bool:
    words = block.text.count(" ") + 1
    if block.link_density > 0.5:
        return False
    return words >= 18 or (words >= 8 and block.text[-1:] in ".!?:;…\"”)")


_DATE_IN_LINE = (
    r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật|cập\s+nhật|ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật|"
    r"thời\s+gian|đăng\s+lúc|xuất\s+bản|published|posted|updated)\b[^0-9]{0,20}"
    r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}))"
    r"|(?:(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*[,|\-]?\s*(?:lúc\s*)?\d{1,2}\s*[:h]\s*\d{2})"
    r"|(?:\d{1,2}\s*[:h]\s*\d{2}\s*(?:\(?GMT\+7\)?\s*)?[,|\-]?\s*(?:ngày\s*)?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}))"
    # A source line ending in its date: "Báo Thái Bình17/04/2025".
    r"|(?:^[^\d/]{2,40}?(\d{1,2})/(\d{1,2})/(\d{4})\s*$)"
)


def _date_from_line(text: str) -> date | None:
    # Most lines carry no date: a cheap test first, the long pattern only when it can match.
    # (\d\d? rather than \d{1,2}: a pattern opening with a class lets re skip ahead in C.)
    if _rx("datecheap", r"\d\d?[/.\-]\d{1,2}[/.\-]\d{4}").search(text) is None:
        return None
    m = _rx("dateline", _DATE_IN_LINE, re.IGNORECASE).search(text)
    if not m:
        return None
    g = [x for x in m.groups() if x is not None]
    try:
        return date(int(g[2]), int(g[1]), int(g[0]))
    except (ValueError, IndexError):
        return None


def _date_from_meta(value: str) -> date | None:
    m = _rx("isodate", r"(\d{4})-(\d{1,2})-(\d{1,2})").search(value)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return _date_from_line("cập nhật " + value)


_TITLE_SUFFIX = r"\s+[|\-–]\s+[^|\-–]{2,60}$"


def _clean_title(value: str | None) -> str | None:
    if not value:
        return None
    t = clean_text(value)
    return t or None


# ---------------------------------------------------------------------------------------------
# Main entry
# ---------------------------------------------------------------------------------------------


def page_text(content: bytes | str, *, body_selector: str | None = None, date_selector: str | None = None,
              date_attribute: str | None = None) -> PageText:
    """Split a page into title, published date and body paragraphs (boilerplate removed); with the
    site's date element (`date_selector`, its `date_attribute` or else its text) as `hinted_date`."""
    encoding = None
    if isinstance(content, bytes):
        text, encoding = decode_bytes(content)
    else:
        text = content
    is_html = looks_like_html(text)
    meta: dict[str, str] = {}
    if is_html:
        blocks, meta = _html_blocks(text, body_selector, date_selector, date_attribute)
    else:
        blocks = _text_blocks(text)
    # A stored page may open with its crawl date line: "date 2024-11-12 <first line>" or, when only
    # the month is known, "date 2024-11 ...". Read it and take it off the first line.
    dated: tuple[int, int, int | None] | None = None
    if blocks:
        dm = _rx("crawldate", r"^\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?(?:\s+|$)").match(blocks[0].text)
        if dm:
            dated = (int(dm.group(1)), int(dm.group(2)), int(dm.group(3)) if dm.group(3) else None)
            rest = blocks[0].text[dm.end() :]
            blocks = ([Block(rest, blocks[0].link_chars, blocks[0].heading)] if rest else []) + blocks[1:]

    keys = [_key(b.text) for b in blocks]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1

    # Title: metadata, else a short line repeated or standing before a repeated lead paragraph,
    # else a short first line.
    title = _clean_title(meta.get("og:title") or meta.get("<h1>"))
    if not title and meta.get("<title>"):
        title = _clean_title(_rx("titlesuffix", _TITLE_SUFFIX).sub("", clean_text(meta["<title>"])))
    title_idx: int | None = None
    if title:
        tkey = _key(title)
        title_idx = next((i for i, k in enumerate(keys) if k == tkey), None)

    body: list[str] = []
    body_idx: list[int] = []
    seen: set[str] = set()
    # Long keys kept so far, by their first and by their last _LONG + 1 characters: a key that
    # starts or ends another long key shares those with it, so each block is compared with the few
    # keys of its two buckets rather than with every long block before it (quadratic on a page of
    # thousands of table rows).
    long_heads: dict[str, list[str]] = {}
    long_tails: dict[str, list[str]] = {}
    in_list = False  # inside a "Tin liên quan" style list
    started = False
    bylines: list[str] = []
    for i, (b, k) in enumerate(zip(blocks, keys)):
        if not k:
            continue
        head = k if len(b.text) <= 100 else fold_clean(b.text[:60])
        if k in _LIST_HEADINGS or (len(k) < 40 and k.rstrip(" :") in _LIST_HEADINGS):
            in_list = True
            continue
        if started and head.startswith(_STOP_PREFIXES):
            break
        if not started and head.startswith(_STOP_PREFIXES[:8]):
            continue
        prose = _is_prose(b)
        if in_list and (not prose or len(k) < 120):
            continue  # an item of the list (tested before the costlier tests below)
        if _is_junk(head, b.text, folded=True):  # head: fold_clean of the block or of its start
            continue
        if b.link_density > 0.6:
            continue
        if len(k) < 60 and _date_from_line(b.text) and not _rx("sentlike", r"[.!?]$").search(b.text):
            continue  # the page's own dateline
        in_list = False  # in a list, this block (long prose, not furniture) ends it
        if k in seen or (len(k) > _LONG and (
            any(p.startswith(k) for p in long_heads.get(k[: _LONG + 1], ()))
            or any(p.endswith(k) for p in long_tails.get(k[-_LONG - 1 :], ()))
        )):
            continue
        seen.add(k)
        if len(k) > _LONG:
            long_heads.setdefault(k[: _LONG + 1], []).append(k)
            long_tails.setdefault(k[-_LONG - 1 :], []).append(k)
        if _rx("byline", r"^(?:\(?\s*[\w.\-]+\.(?:vn|com|net|org)\s*\)?\s*$|(?:nguồn|theo)\s*:?)", re.IGNORECASE).match(
            b.text
        ):
            bylines.append(b.text)
        started = started or prose
        body.append(b.text)
        body_idx.append(i)

    if title is None and not is_html:
        title, title_idx = _plain_title(blocks, keys, counts, body_idx)
    if title:
        tkey = _key(title)
        body = [t for t, i in zip(body, body_idx) if keys[i] != tkey]  # keys[i] is _key(t)
    # Short lines at the end that are site furniture rather than a byline are already gone; what
    # remains before the first prose block and is not the title is usually a kicker or a caption.

    published = None
    for key in ("article:published_time", "datepublished", "pubdate", "publishdate", "date",
                "og:published_time", "dc.date.issued", "<time>", "article:modified_time"):
        if meta.get(key):
            published = _date_from_meta(meta[key])
            if published:
                break
    if published is None:
        # A dated line next to the title, else the first dated line before the body starts.
        start = body_idx[0] if body_idx else len(blocks)
        order: list[int] = []
        if title_idx is not None:
            # After the title first: a dated line above it is often the site's banner (today's date).
            order += [j for j in range(title_idx, min(len(blocks), title_idx + 4))]
            order += [j for j in range(title_idx - 1, max(0, title_idx - 3) - 1, -1)]
        # A dateline may stand below the lead's first lines ("Báo Thái Bình17/04/2025").
        order += list(range(min(start + 4, len(blocks))))
        for j in order:
            if len(blocks[j].text) < 160:
                published = _date_from_line(blocks[j].text)
                if published:
                    break
    month = None
    if dated is not None:
        try:
            if published is None and dated[2] is not None:
                published = date(dated[0], dated[1], dated[2])
            month = (dated[0], dated[1])
        except ValueError:
            pass
    for line in body[-4:]:
        if line not in bylines and len(line) < 100 and _rx(
            "srcline", r"(?:^|\s)(?:nguồn|theo)\s*:|\(\s*[\w.\-]+\.(?:vn|com)\s*\)", re.IGNORECASE
        ).search(line):
            bylines.append(line)
    if body and _rx("leadsrc", r"^\(\s*[\w.\-]+\.(?:vn|com|net|org)\s*\)", re.IGNORECASE).match(body[0]):
        bylines.append(body[0][: body[0].find(")") + 1])

    return PageText(
        title=title,
        published=published,
        body=body,
        all_blocks=[b.text for b in blocks],
        encoding=encoding,
        is_html=is_html,
        meta_description=meta.get("og:description") or meta.get("description"),
        byline_lines=bylines,
        published_month=month,
        hinted_date=meta.get("<hinted date>"),
    )


def _plain_title(
    blocks: list[Block], keys: list[str], counts: dict[str, int], body_idx: list[int]
) -> tuple[str | None, int | None]:
    def short(i: int) -> bool:
        words = blocks[i].text.count(" ") + 1
        return 3 <= words <= 35 and blocks[i].text[-1:] not in ".;,:" and not _is_junk(keys[i], blocks[i].text)

    # A short line standing right before a repeated lead paragraph, or a short line the page repeats.
    first_seen: set[str] = set()
    # Keys longer than 120 characters by their last 121: a key ends another only if they share those.
    tails: dict[str, list[str]] = {}
    for i, k in enumerate(keys):
        repeated = k in first_seen or (len(k) > 120 and any(p.endswith(k) for p in tails.get(k[-121:], ())))
        if repeated:
            j = i - 1
            while j >= 0 and not keys[j]:
                j -= 1
            if j >= 0 and short(j) and keys[j] not in _LIST_HEADINGS:
                return blocks[j].text, j
        if len(k) > 120 and k not in first_seen:
            tails.setdefault(k[-121:], []).append(k)
        first_seen.add(k)
    for i, k in enumerate(keys):
        if counts.get(k, 0) >= 2 and short(i) and k not in _LIST_HEADINGS:
            return blocks[i].text, i
    if body_idx and short(body_idx[0]):
        i = body_idx[0]
        nxt = body_idx[1] if len(body_idx) > 1 else None
        if nxt is not None and _is_prose(blocks[nxt]):
            return blocks[i].text, i
    return None, None
