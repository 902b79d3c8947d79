"""The DuckDB schema and its data dictionary, in one place.

Every table and column is declared once here with its type and a description for researchers. The
DDL, `datapackage.json` and the data dictionary in the docs are all generated from this, so a column
cannot exist without being documented. The build's own bookkeeping tables (names starting with `_`)
are declared here too, apart (`BOOKKEEPING_TABLES`): created by `ensure_schema` like the others, but
internal, neither published nor part of the dataset (`ALL_TABLES`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str
    required: bool = False
    # Constraints published in datapackage.json, so the Frictionless validator checks them too.
    enum: tuple[str, ...] = ()  # the only values allowed (null still allowed unless required)
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class ForeignKey:
    """Values of `fields` (when not null) are values of `reference_fields` of the table `reference`."""
    fields: tuple[str, ...]
    reference: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    layer: str  # raw | staging | core | evidence | reference | bookkeeping
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    published: bool = True
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, sql_type: str, description: str, required: bool = False, *, enum: tuple[str, ...] = (),
       minimum: int | None = None, maximum: int | None = None) -> Column:
    return Column(name, sql_type, description, required, enum, minimum, maximum)


def _fk(column: str, reference: str, reference_column: str | None = None) -> ForeignKey:
    return ForeignKey((column,), reference, (reference_column or column,))


SUBJECT_TYPES = ("enterprise", "cooperative", "cooperative_group", "household", "other")
PRODUCT_STATUSES = ("active", "expired", "revoked")
LEVELS = ("district", "province", "national")
SOURCE_KINDS = ("spreadsheet", "news", "inbox")
# discovery: a sitemap/feed malformed, off the allow-list or cut by a bound (raw/bounds.py);
# source: a registry YAML that cannot be used (left out, the other sources run).
REJECT_STAGES = ("file", "row", "fetch", "article", "discovery", "source")
ADMIN_LEVELS = ("province", "district", "commune")
MIN_STARS, MAX_STARS = 3, 5
RATING_ORIGINS = ("list", "news")
VALIDITY_BASES = ("decision_date", "article_date")
KNOWN_FROM = ("list", "news", "both")  # OCOP recognises 3, 4 and 5 stars (1-2 stars are not a rating)

SOURCES = Table(
    "sources",
    "raw",
    "The source registry as loaded for the last build: one row per YAML file in sources/.",
    (
        _c("source_id", "VARCHAR", "Registry name of the source (the YAML's `name`).", True),
        _c("title", "VARCHAR", "Human title of the source."),
        _c("publisher", "VARCHAR", "Who publishes it (provincial office, newspaper, portal)."),
        _c("kind", "VARCHAR", "spreadsheet | news | inbox.", True, enum=SOURCE_KINDS),
        _c("province", "VARCHAR", "Province the source covers, as named in the registry, when it covers one."),
        _c("location", "VARCHAR", "Folder, glob or base URL the source is read from."),
        _c("expected_min", "INTEGER", "Lower bound of the expected row/article count band."),
        _c("expected_max", "INTEGER", "Upper bound of the expected row/article count band."),
        _c("config_json", "JSON", "The whole YAML entry, for provenance."),
    ),
    ("source_id",),
)

DOCUMENTS = Table(
    "documents",
    "raw",
    "Every raw file or page landed, content-addressed: the bytes are kept under data/raw/ by sha256, so "
    "parsing again never needs fetching again.",
    (
        _c("document_id", "VARCHAR", "sha256 of the bytes (hex); the same bytes found twice are one document.", True),
        _c("source_id", "VARCHAR", "Source the document came from (first place it was found).", True),
        _c("uri", "VARCHAR", "Where it came from: URL, or path relative to the source folder or inbox.", True),
        _c("file_name", "VARCHAR", "File name as found."),
        _c("media_type", "VARCHAR", "Format sniffed from the bytes (xlsx, xls, csv, html, ole-encrypted, unknown)."),
        _c("size_bytes", "BIGINT", "Size of the raw bytes."),
        _c("sha256", "VARCHAR", "sha256 of the raw bytes (hex).", True),
        _c("http_status", "INTEGER", "HTTP status of the fetch; null for files."),
        _c("fetched_at", "TIMESTAMP", "When the bytes were fetched or first found (UTC).", True),
        _c("raw_path", "VARCHAR", "Path of the kept bytes, relative to the data folder.", True),
        _c("parser_version", "VARCHAR", "Version of the parser whose staging rows this document currently has."),
        _c("page_kind", "VARCHAR", "spreadsheet | listing | feed (sitemap, RSS/Atom) | article | attachment (a PDF an article links to, kept, never parsed as HTML)."),
        _c("etag", "VARCHAR", "HTTP ETag of the fetch, for conditional GET."),
        _c("last_modified", "VARCHAR", "HTTP Last-Modified of the fetch, for conditional GET."),
        _c("encoding", "VARCHAR", "Character encoding read from the bytes (BOM, header, meta) for pages."),
    ),
    ("document_id",),
)

STG_SHEET_ROWS = Table(
    "stg_sheet_rows",
    "staging",
    "One row per product row read from an official spreadsheet, cleaned but not yet resolved.",
    (
        _c("document_id", "VARCHAR", "Document the row was read from.", True),
        _c("file", "VARCHAR", "File name.", True),
        _c("sheet", "VARCHAR", "Sheet name (empty for CSV/HTML).", True),
        _c("row", "INTEGER", "1-based row number as a spreadsheet user sees it.", True),
        _c("product_name", "VARCHAR", "Product name, normalised (NFC, one tone placement, Đ).", True),
        _c("product_name_raw", "VARCHAR", "Product name exactly as written."),
        _c("subject_name", "VARCHAR", "Producer name, normalised."),
        _c("subject_name_raw", "VARCHAR", "Producer name exactly as written."),
        _c("subject_type", "VARCHAR", "enterprise | cooperative | cooperative_group | household | other."),
        _c("address", "VARCHAR", "Address as written."),
        _c("commune", "VARCHAR", "Commune (xã/phường/thị trấn) from the address or columns."),
        _c("district", "VARCHAR", "District from a section row, column or the address (pre-2025 lists)."),
        _c("province", "VARCHAR", "Province as the file names it (legacy 63-unit name when before 1 Jul 2025)."),
        _c("province_current", "VARCHAR", "The 34-unit province it belongs to."),
        _c("district_code", "VARCHAR", "Official code of the district (admin_units, level district) when the "
           "district is recognised; `district` then holds its official name ('Huyện Kim Sơn')."),
        _c("legacy_province_code", "VARCHAR", "Official code of the 63-unit province, for rows rated before "
           "1 Jul 2025 (admin_units, level province, valid_to 2025-06-30)."),
        _c("province_code", "VARCHAR", "Official code of the 34-unit province (admin_units, valid_from 2025-07-01)."),
        _c("stars", "INTEGER", "Stars, 3..5.", True),
        _c("stars_raw", "VARCHAR", "Stars cell as written ('4 sao', '(****)', sheet name ...)."),
        _c("product_group", "VARCHAR", "One of the six current product groups (older branches mapped)."),
        _c("score", "DOUBLE", "Points out of 100 when the list gives them."),
        _c("year", "INTEGER", "Rating year (the round's year) from the title, column or file name."),
        _c("decision_no", "VARCHAR", "Recognition decision number, e.g. 3610/QĐ-UBND."),
        _c("decision_date", "DATE", "Date of the recognition decision."),
        _c("ocop_code", "VARCHAR", "National OCOP code when given."),
        _c("tax_code", "VARCHAR", "Subject's tax code when given."),
        _c("phone", "VARCHAR", "Phone number when given."),
        _c("note", "VARCHAR", "The list's note column."),
        _c("level", "VARCHAR", "Level that issued the list when the file says so (title block), else null: "
           "district | province | national."),
        _c("subject_key", "VARCHAR", "Matching key of the subject name (accent-free, type prefix canonical)."),
        _c("product_key", "VARCHAR", "Matching key of the product name."),
        _c("parser_version", "VARCHAR", "Reader version that produced the row.", True),
    ),
    ("document_id", "sheet", "row"),
    published=False,
)

REJECTS = Table(
    "rejects",
    "evidence",
    "Everything that could not be used, with the reason: unreadable files, rows without a product name, "
    "impossible stars, pages that failed to fetch. Nothing is dropped silently.",
    (
        _c("reject_id", "VARCHAR", "Stable id of the reject (hash of where and why).", True),
        _c("stage", "VARCHAR", "file | row | fetch | article | discovery | source.", True, enum=REJECT_STAGES),
        _c("source_id", "VARCHAR", "Source of the input, when known."),
        _c("document_id", "VARCHAR", "Document, when the bytes were landed."),
        _c("location", "VARCHAR", "File name or URL.", True),
        _c("sheet", "VARCHAR", "Sheet, for a row reject."),
        _c("row", "INTEGER", "Row number, for a row reject."),
        _c("reason", "VARCHAR", "Why it was rejected, in one line.", True),
        _c("raw_json", "JSON", "The rejected row's cells (header -> text), for review."),
        _c("recorded_at", "TIMESTAMP", "When the reject was recorded (UTC).", True),
    ),
    ("reject_id",),
    foreign_keys=(_fk("document_id", "documents"),),
)

SUBJECTS = Table(
    "subjects",
    "core",
    "Producers (chủ thể) of OCOP products: one row per producer.",
    (
        _c("subject_id", "VARCHAR", "Stable id: hash of the tax code, or of the province and the smallest canonical "
           "name (legal-form class + distinctive name) among the producer's spellings.", True),
        _c("name", "VARCHAR", "Name as best written (the most frequent spelling, longest on ties).", True),
        _c("name_key", "VARCHAR", "Accent-free matching key with the legal-form prefix made canonical.", True),
        _c("subject_type", "VARCHAR", "enterprise | cooperative | cooperative_group | household | other.", True,
           enum=SUBJECT_TYPES),
        _c("tax_code", "VARCHAR", "Tax code when any source gives one."),
        _c("address", "VARCHAR", "Most recent address as written."),
        _c("commune", "VARCHAR", "Commune of the most recent address."),
        _c("legacy_district", "VARCHAR", "District (pre-2025) of the most recent record that names one."),
        _c("legacy_province", "VARCHAR", "Province (63-unit, pre-2025) when known."),
        _c("province", "VARCHAR", "Current province (34-unit).", True),
        _c("first_seen", "INTEGER", "Earliest rating year in which the subject appears."),
        _c("last_seen", "INTEGER", "Latest rating year in which the subject appears."),
        _c("province_code", "VARCHAR", "Official code of the current province (admin_units)."),
        _c("legacy_province_code", "VARCHAR", "Official code of the legacy province (63-unit)."),
        _c("legacy_district_code", "VARCHAR", "Official code of the legacy district, when the district resolved."),
        _c("known_from", "VARCHAR", "list (official lists only) | news (news articles only: created by "
           "core/news_ratings.py) | both (a list subject that articles also report).", enum=KNOWN_FROM),
    ),
    ("subject_id",),
)

PRODUCTS = Table(
    "products",
    "core",
    "OCOP products: one row per product of one subject, with its current standing.",
    (
        _c("product_id", "VARCHAR", "Stable id: hash of subject_id and the smallest normalised name key among the "
           "product's spellings (packaging, sizes, quotes and 'Sản phẩm:' removed).", True),
        _c("name", "VARCHAR", "Name as best written (latest rating's spelling).", True),
        _c("subject_id", "VARCHAR", "Producer (subjects.subject_id).", True),
        _c("product_group", "VARCHAR", "One of the six current groups (older branches mapped by the crosswalk)."),
        _c("subgroup", "VARCHAR", "Finer group when a source gives one."),
        _c("province", "VARCHAR", "Current province (34-unit).", True),
        _c("legacy_province", "VARCHAR", "Province (63-unit) at the latest rating before 1 Jul 2025."),
        _c("legacy_district", "VARCHAR", "District at the latest rating before 1 Jul 2025."),
        _c("ocop_code", "VARCHAR", "National OCOP code such as 83-829-28780-3-2022, where given."),
        _c("current_stars", "INTEGER", "Stars of the latest rating.", True, minimum=MIN_STARS, maximum=MAX_STARS),
        _c("status", "VARCHAR", "active | expired | revoked, as of the build date.", True, enum=PRODUCT_STATUSES),
        _c("valid_until", "DATE", "End of validity of the latest certificate (decision date + 36 months)."),
        _c("first_rated", "DATE", "Decision date of the first rating, when known."),
        _c("last_rated", "DATE", "Decision date of the latest rating, when known."),
        _c("first_rating_year", "INTEGER", "Rating year of the first rating."),
        _c("last_rating_year", "INTEGER", "Rating year of the latest rating."),
        _c("rating_count", "INTEGER", "Number of rating events recorded.", True),
        _c("province_code", "VARCHAR", "Official code of the current province (admin_units)."),
        _c("legacy_province_code", "VARCHAR", "Official code of the legacy province (63-unit)."),
        _c("legacy_district_code", "VARCHAR", "Official code of the legacy district, when the district resolved."),
        _c("place_as_written", "VARCHAR", "The place as the latest list naming one writes it (address, else "
           "commune/district), before any canonicalisation."),
        _c("known_from", "VARCHAR", "list (official lists only) | news (news articles only: its stars, status and "
           "valid_until come from news ratings) | both (a list product that articles also report: stars and "
           "status still follow the lists).", enum=KNOWN_FROM),
    ),
    ("product_id",),
    foreign_keys=(_fk("subject_id", "subjects"),),
)

RATINGS = Table(
    "ratings",
    "core",
    "Recognition events: one row per product, decision and star level, each with its source. Two sources "
    "that disagree give two rows, never an overwrite.",
    (
        _c("rating_id", "VARCHAR", "Stable id: hash of product, decision (or year) and stars.", True),
        _c("product_id", "VARCHAR", "Product (products.product_id).", True),
        _c("stars", "INTEGER", "Stars recognised, 3..5.", True, minimum=MIN_STARS, maximum=MAX_STARS),
        _c("level", "VARCHAR", "district | province | national: who recognised it, by the regime in force.", True,
           enum=LEVELS),
        _c("decision_no", "VARCHAR", "Decision number, e.g. 3610/QĐ-UBND."),
        _c("decision_date", "DATE", "Decision date."),
        _c("rating_year", "INTEGER", "Year of the rating round."),
        _c("round", "VARCHAR", "Round as written ('đợt 2 năm 2022') when given."),
        _c("score", "DOUBLE", "Points out of 100 when given."),
        _c("valid_until", "DATE", "Decision date + 36 months."),
        _c("source_id", "VARCHAR", "Source registry name.", True),
        _c("source_url", "VARCHAR", "File or URL the rating was read from.", True),
        _c("document_id", "VARCHAR", "Raw document (documents.document_id).", True),
        _c("sheet", "VARCHAR", "Sheet of the source row."),
        _c("row", "INTEGER", "Row number of the source row."),
        _c("origin", "VARCHAR", "list (an official list) | news (news articles alone: a product an article reports "
           "rated that no list gives for that round; evidence in rating_evidence).", enum=RATING_ORIGINS),
        _c("valid_until_basis", "VARCHAR", "What valid_until counts from: decision_date, or article_date for a news "
           "rating whose articles name no decision (an estimate: the certificate is older than the article).",
           enum=VALIDITY_BASES),
        _c("news_reports", "INTEGER", "News ratings: distinct articles reporting it (null for list ratings)."),
        _c("article_date", "DATE", "News ratings: event (else publication) date of the earliest article reporting it."),
    ),
    ("rating_id",),
    foreign_keys=(_fk("product_id", "products"), _fk("document_id", "documents")),
)


NEWS_ARTICLES = Table(
    "news_articles",
    "evidence",
    "Provincial news pages about OCOP: one row per article URL (its latest fetched version), with what "
    "the page reports. Batch counts (this recognition round) and cumulative totals are kept apart.",
    (
        _c("article_id", "VARCHAR", "Stable id: hash of the article URL.", True),
        _c("url", "VARCHAR", "Article URL.", True),
        _c("source_id", "VARCHAR", "News source (registry name).", True),
        _c("document_id", "VARCHAR", "Raw page (documents.document_id) the row was extracted from.", True),
        _c("title", "VARCHAR", "Headline."),
        _c("published", "DATE", "Publication date given by the page."),
        _c("event_date", "DATE", "Date of the event reported (meeting, decision), resolved against the publication date."),
        _c("province", "VARCHAR", "Current (34-unit) province the page is about: from the text, else the site."),
        _c("legacy_province", "VARCHAR", "Province (63-unit) named by the page or its site, when pre-reform."),
        _c("district", "VARCHAR", "District the page is about, for district news."),
        _c("level", "VARCHAR", "district | province | national: who recognised the products reported.",
           enum=LEVELS),
        _c("has_rating_results", "BOOLEAN", "False for trainings, fairs, plans and meetings awaiting a decision.", True),
        _c("batch_total", "INTEGER", "Products recognised in the batch the page reports (as written, never summed)."),
        _c("batch_stars_3", "INTEGER", "Of which 3 stars, as written."),
        _c("batch_stars_4", "INTEGER", "Of which 4 stars, as written."),
        _c("batch_stars_5", "INTEGER", "Of which 5 stars, as written."),
        _c("batch_subjects", "INTEGER", "Subjects (producers) in the batch, as written."),
        _c("cumulative_total", "INTEGER", "Cumulative products to date ('lũy kế', 'đến nay', 'còn hiệu lực')."),
        _c("cumulative_stars_3", "INTEGER", "Cumulative 3-star products."),
        _c("cumulative_stars_4", "INTEGER", "Cumulative 4-star products."),
        _c("cumulative_stars_5", "INTEGER", "Cumulative 5-star products."),
        _c("cumulative_subjects", "INTEGER", "Cumulative subjects."),
        _c("language", "VARCHAR", "Language of the page (vi, en)."),
        _c("body_text", "VARCHAR", "Article text without boilerplate (menus, related links, comments, footers)."),
        _c("extracted_json", "JSON", "Everything the extractor returned (products named, targets, decisions, notes)."),
        _c("parser_version", "VARCHAR", "Extractor version.", True),
    ),
    ("article_id",),
    foreign_keys=(_fk("document_id", "documents"),),
)

NEWS_FACTS = Table(
    "news_facts",
    "evidence",
    "Facts stated by news pages, each with the sentence it came from: counts by stars for a batch, "
    "cumulative totals, plan targets, forecasts, decisions.",
    (
        _c("fact_id", "VARCHAR", "Stable id: hash of article, kind, key, value and sentence.", True),
        _c("article_id", "VARCHAR", "Article (news_articles.article_id).", True),
        _c("kind", "VARCHAR", "count | cumulative | target | forecast | decision | product ...", True),
        _c("key", "VARCHAR", "What is counted: total, stars_3, stars_4, stars_5, subjects ..."),
        _c("value", "DOUBLE", "The number as written (Vietnamese separators resolved)."),
        _c("value_max", "DOUBLE", "Upper bound for ranges ('15-20 sản phẩm')."),
        _c("stars", "VARCHAR", "Star level or range the fact is about ('4', '3-4')."),
        _c("qualifier", "VARCHAR", "'ít nhất', 'trên', 'khoảng' ... as written."),
        _c("period", "VARCHAR", "Period of a target or forecast ('2021-2025')."),
        _c("province", "VARCHAR", "Current province of the article."),
        _c("event_date", "DATE", "Event date of the article."),
        # Not required: a decision fact read from the page's structure (a decision number in a
        # heading or table) has no sentence of its own.
        _c("sentence", "VARCHAR", "The sentence the fact was read from; empty when the fact has none (a "
           "decision number read from a heading or table)."),
        _c("detail_json", "JSON", "The extractor's full record of the fact."),
    ),
    ("fact_id",),
    foreign_keys=(_fk("article_id", "news_articles"),),
)

MENTIONS = Table(
    "mentions",
    "evidence",
    "Links between news articles and products or subjects already in the database (Vietnamese-aware "
    "matching of names in the article text: near matches within the article's province; exact matches "
    "of a long name from another province only when no other producer in the country has that name; "
    "a name several producers of one province share links none of them).",
    (
        _c("mention_id", "VARCHAR", "Stable id: hash of article and entity.", True),
        _c("article_id", "VARCHAR", "Article (news_articles.article_id).", True),
        _c("entity_kind", "VARCHAR", "product | subject.", True, enum=("product", "subject")),
        _c("entity_id", "VARCHAR", "products.product_id or subjects.subject_id.", True),
        _c("name_in_text", "VARCHAR", "The words of the article that matched.", True),
        _c("entity_name", "VARCHAR", "The entity's name in the database."),
        _c("score", "DOUBLE", "Match score 0-100 (100 = exact after normalisation).", True),
        _c("method", "VARCHAR", "exact | fuzzy.", True, enum=("exact", "fuzzy")),
    ),
    ("mention_id",),
    foreign_keys=(_fk("article_id", "news_articles"),),
)

ADMIN_UNITS = Table(
    "admin_units",
    "reference",
    "Administrative units in both geographies, effective-dated: the 63 provinces, 696 districts and 10,035 "
    "communes in force until 30 Jun 2025, and the 34 provinces and 3,321 communes from 1 Jul 2025 (no "
    "districts since). Official codes; a code may be reused across the reform (Tuyên Quang is 08 before "
    "and after), so a unit is (level, code, valid_from). Written from ocop_pipeline/data/ by the build.",
    (
        _c("level", "VARCHAR", "province | district | commune.", True, enum=ADMIN_LEVELS),
        _c("code", "VARCHAR", "Official code (2 digits for provinces, 3 for districts, 5 for communes); null "
           "for a unit gone before 2025 whose code is not held.", False),
        _c("name", "VARCHAR", "Official name with its kind ('Huyện Kim Sơn', 'Xã Yên Mông'; provinces without it).", True),
        _c("kind", "VARCHAR", "tỉnh | thành phố (provinces); huyện | quận | thị xã | thành phố (districts); "
           "xã | phường | thị trấn | đặc khu (communes).", True),
        _c("parent_code", "VARCHAR", "Code of the unit above: the district of a legacy commune, the province of "
           "a district or of a current commune."),
        _c("valid_from", "DATE", "First day in force; null when it began before the reference's start (not recorded)."),
        _c("valid_to", "DATE", "Last day in force (inclusive); null while in force."),
        _c("successor_province_code", "VARCHAR", "Code of the 34-unit province the unit lies in from 1 Jul 2025.", True),
        _c("successor_province_name", "VARCHAR", "Name of that province.", True),
        _c("successor_code", "VARCHAR", "Legacy commune: the commune it went into on 1 Jul 2025 (the main one "
           "when it was divided); district gone before 2025: the district it went into."),
        _c("note", "VARCHAR", "What happened to a unit gone before 2025, when recorded."),
    ),
    ("level", "code", "name", "valid_from"),
)

PROVINCE_CROSSWALK = Table(
    "province_crosswalk",
    "reference",
    "Old (63) province -> new (34) province on 1 Jul 2025 (Resolution 202/2025/QH15): join products or "
    "subjects on legacy_province to count in either geography. Each old province lies wholly in one new one.",
    (
        _c("legacy_province_code", "VARCHAR", "Official code of the old province.", True),
        _c("legacy_province", "VARCHAR", "Old province as products.legacy_province names it.", True),
        _c("province_code", "VARCHAR", "Official code of the new province.", True),
        _c("province", "VARCHAR", "New province as products.province names it.", True),
        _c("legacy_valid_to", "DATE", "Last day the old province existed (2025-06-30).", True),
        _c("valid_from", "DATE", "First day of the new province (2025-07-01).", True),
        _c("unchanged", "BOOLEAN", "True for the 11 provinces not merged (Huế renamed from Thừa Thiên Huế).", True),
    ),
    ("legacy_province_code",),
)

SUBJECT_ALIASES = Table(
    "subject_aliases",
    "core",
    "Every spelling of a producer seen in the sources, with the subject it was resolved to: look a "
    "name up here to find its subject_id, or see which spellings were merged and why.",
    (
        _c("alias_id", "VARCHAR", "Stable id: hash of subject, spelling, place and tax code as written.", True),
        _c("subject_id", "VARCHAR", "Producer the spelling belongs to (subjects.subject_id).", True),
        _c("name", "VARCHAR", "Producer name as normalised from the source (NFC, one tone placement).", True),
        _c("name_key", "VARCHAR", "Accent-free matching key of this spelling (legal form canonical).", True),
        _c("province", "VARCHAR", "Current province (34-unit) of the rows with this spelling.", True),
        _c("legacy_province", "VARCHAR", "Province as the source names it."),
        _c("commune", "VARCHAR", "Commune given with this spelling."),
        _c("district", "VARCHAR", "District given with this spelling (pre-2025 lists)."),
        _c("tax_code", "VARCHAR", "Tax code given with this spelling."),
        _c("matched_by", "VARCHAR", "How the spelling joined its subject: tax_code | name (fuzzy name score above "
           "the threshold, compatible legal form and place) | curated (entity_decisions.csv) | alone (the "
           "subject's only spelling, or nothing close enough).", True, enum=("tax_code", "name", "curated", "alone")),
        _c("row_count", "INTEGER", "Staging rows with this spelling.", True),
        _c("first_seen", "INTEGER", "Earliest rating year of those rows."),
        _c("last_seen", "INTEGER", "Latest rating year of those rows."),
    ),
    ("alias_id",),
    foreign_keys=(_fk("subject_id", "subjects"),),
)

ENTITY_REVIEW = Table(
    "entity_review",
    "core",
    "Pairs of subject spellings or product names the matcher could not decide (score between its two "
    "thresholds, or a near-identical name with conflicting evidence). They are kept apart until a person "
    "records a decision in sources/curation/entity_decisions.csv; rebuilt on every core rebuild.",
    (
        _c("review_id", "VARCHAR", "Stable id: hash of kind, province, subject and the two keys and places.", True),
        _c("kind", "VARCHAR", "subject | product.", True),
        _c("left_key", "VARCHAR", "Matching key of the left name (subject key, or normalised product key).", True),
        _c("right_key", "VARCHAR", "Matching key of the right name.", True),
        _c("left_name", "VARCHAR", "Left name as written (normalised).", True),
        _c("right_name", "VARCHAR", "Right name as written (normalised).", True),
        _c("province", "VARCHAR", "Current province (34-unit) of the pair.", True),
        _c("score", "DOUBLE", "Name similarity 0-100 (rapidfuzz token sort / token set ratio on the distinctive "
           "part of the names).", True),
        _c("evidence", "JSON", "Why the pair is uncertain: reason, commune/district agreement (agree | differ | "
           "unknown), the places, tax codes and legal forms of both sides, the distinctive cores compared."),
        _c("left_id", "VARCHAR", "subject_id (or product_id) the left name currently resolves to."),
        _c("right_id", "VARCHAR", "subject_id (or product_id) the right name currently resolves to."),
        _c("subject_id", "VARCHAR", "For product pairs: the subject both products belong to."),
        _c("decision", "VARCHAR", "Always null here: decisions live in sources/curation/entity_decisions.csv "
           "(same | different) and apply at the next rebuild."),
    ),
    ("review_id",),
    published=False,
)

RECONCILIATION = Table(
    "reconciliation",
    "evidence",
    "Official lists against the news for the same province and round: a page's batch counts beside the "
    "ratings the lists give, both with their sources. Disagreements are flagged, never resolved.",
    (
        _c("reconciliation_id", "VARCHAR", "Stable id: hash of the article and the round.", True),
        _c("province", "VARCHAR", "Current province of the article."),
        _c("round_year", "INTEGER", "Year of the event (or publication) the page reports."),
        _c("level", "VARCHAR", "Level the page reports (district | province | national)."),
        _c("matched_on", "VARCHAR", "decision (the page names a decision the lists carry) | province_year_level.", True,
           enum=("decision", "province_year_level")),
        _c("round_key", "VARCHAR", "The decision number, or 'province year level'."),
        _c("news_total", "INTEGER", "Products recognised, as the page writes it."),
        _c("official_total", "INTEGER", "Ratings in the official lists for that round."),
        _c("news_stars_3", "INTEGER", "3-star products, as the page writes it."),
        _c("official_stars_3", "INTEGER", "3-star ratings in the lists."),
        _c("news_stars_4", "INTEGER", "4-star products, as the page writes it."),
        _c("official_stars_4", "INTEGER", "4-star ratings in the lists."),
        _c("news_stars_5", "INTEGER", "5-star products, as the page writes it."),
        _c("official_stars_5", "INTEGER", "5-star ratings in the lists."),
        _c("status", "VARCHAR", "agree | disagree | news_only (no list for that round in the database).", True,
           enum=("agree", "disagree", "news_only")),
        _c("article_id", "VARCHAR", "Article (news_articles.article_id).", True),
        _c("news_url", "VARCHAR", "The page.", True),
        _c("news_source_id", "VARCHAR", "News source (registry name)."),
        _c("news_title", "VARCHAR", "Headline."),
        _c("official_sources", "VARCHAR", "Files or URLs of the official ratings counted, '; '-separated."),
    ),
    ("reconciliation_id",),
    foreign_keys=(_fk("article_id", "news_articles"),),
)

STG_NEWS_RATINGS = Table(
    "stg_news_ratings",
    "staging",
    "Products that a news article reports rated (name and stars, with subject, place, decision and level where "
    "the text gives them): one row per product per article, with the sentence. core/news_ratings.py turns them "
    "into ratings.",
    (
        _c("news_rating_id", "VARCHAR", "Stable id: hash of the article, product name, subject and stars.", True),
        _c("article_id", "VARCHAR", "Article (news_articles.article_id).", True),
        _c("url", "VARCHAR", "Article URL.", True),
        _c("source_id", "VARCHAR", "News source (registry name).", True),
        _c("document_id", "VARCHAR", "Raw page (documents.document_id).", True),
        _c("product_name", "VARCHAR", "Product name as the article writes it.", True),
        _c("subject_name", "VARCHAR", "Producer as the article writes it, when given."),
        _c("address", "VARCHAR", "Place given with the product (commune, district), when given."),
        _c("province", "VARCHAR", "Current (34-unit) province of the article."),
        _c("legacy_province", "VARCHAR", "Province (63-unit) of the article, when pre-reform."),
        _c("stars", "INTEGER", "Stars reported.", True, minimum=MIN_STARS, maximum=MAX_STARS),
        _c("level", "VARCHAR", "Level the article reports.", enum=LEVELS),
        _c("decision_no", "VARCHAR", "Decision number, when the article names exactly one."),
        _c("decision_date", "DATE", "Its date, when given."),
        _c("round_year", "INTEGER", "Year of the decision, else of the article's event, else of its publication."),
        _c("article_date", "DATE", "Event date of the article, else its publication date."),
        _c("sentence", "VARCHAR", "The sentence or line the product was read from (empty when from a table)."),
    ),
    ("news_rating_id",),
    foreign_keys=(_fk("article_id", "news_articles"),),
)

RATING_EVIDENCE = Table(
    "rating_evidence",
    "evidence",
    "Each article that reports a rating, with its sentence: for news ratings their only evidence, for list "
    "ratings the articles that confirm them (same product, round and stars).",
    (
        _c("evidence_id", "VARCHAR", "Stable id: hash of rating and news rating row.", True),
        _c("rating_id", "VARCHAR", "Rating (ratings.rating_id).", True),
        _c("rating_origin", "VARCHAR", "list | news: the origin of that rating.", True, enum=RATING_ORIGINS),
        _c("article_id", "VARCHAR", "Article (news_articles.article_id).", True),
        _c("url", "VARCHAR", "Article URL.", True),
        _c("sentence", "VARCHAR", "The sentence the product and stars were read from."),
        _c("article_date", "DATE", "Event (else publication) date of the article."),
        _c("matched_by", "VARCHAR", "How the article's product was tied to the product: attached (to a list "
           "product, entities/attachment.py) | created (a product known only from news).", True,
           enum=("attached", "created")),
    ),
    ("evidence_id",),
    foreign_keys=(_fk("rating_id", "ratings"), _fk("article_id", "news_articles")),
)

RATING_DISAGREEMENTS = Table(
    "rating_disagreements",
    "evidence",
    "Per product: an official list and a news article give different stars for the same round. Both ratings "
    "are kept in `ratings` (nothing overwritten); this table puts them side by side with their sources.",
    (
        _c("disagreement_id", "VARCHAR", "Stable id: hash of the list rating and the news rating.", True),
        _c("product_id", "VARCHAR", "Product (products.product_id).", True),
        _c("round_key", "VARCHAR", "The decision number both name, else 'year N'.", True),
        _c("list_rating_id", "VARCHAR", "The list's rating (ratings.rating_id).", True),
        _c("list_stars", "INTEGER", "Stars in the list.", True),
        _c("list_source_url", "VARCHAR", "File the list rating was read from.", True),
        _c("news_rating_id", "VARCHAR", "The news rating (ratings.rating_id).", True),
        _c("news_stars", "INTEGER", "Stars the articles report.", True),
        _c("news_urls", "VARCHAR", "Articles reporting those stars, '; '-separated.", True),
    ),
    ("disagreement_id",),
    foreign_keys=(_fk("product_id", "products"),),
)

COVERAGE = Table(
    "coverage",
    "evidence",
    "What the database knows per province and year, in both geographies: read it before trusting a count. "
    "Products from official lists, what the news reports, products known only from news, and rounds the news "
    "reports that no list covers.",
    (
        _c("geography", "VARCHAR", "current (34 provinces, from 1 Jul 2025) | legacy (63 provinces; rows whose "
           "legacy province is unknown are left out).", True, enum=("current", "legacy")),
        _c("province", "VARCHAR", "Province in that geography.", True),
        _c("year", "INTEGER", "Rating year (decision year, else rating/round year).", True),
        _c("list_products", "INTEGER", "Products with a rating from an official list that year.", True),
        _c("list_ratings", "INTEGER", "Ratings from official lists that year.", True),
        _c("news_articles", "INTEGER", "Articles reporting rating results (a batch count or rated products) that year.",
           True),
        _c("news_batch_reports", "INTEGER", "Articles giving a batch count that year.", True),
        _c("news_batch_max", "INTEGER", "The largest batch count one article reports that year (counts are "
           "never summed: two articles may report one batch)."),
        _c("news_ratings", "INTEGER", "Ratings known from news alone that year (ratings.origin = 'news').", True),
        _c("news_only_products", "INTEGER", "Of their products, those no official list has (known_from = 'news').",
           True),
        _c("news_rounds_without_list", "INTEGER", "Rounds the news reports that no list in the database covers "
           "(reconciliation.status = 'news_only', distinct round keys).", True),
    ),
    ("geography", "province", "year"),
)

PRODUCT_GROUP_CROSSWALK = Table(
    "product_group_crosswalk",
    "reference",
    "Product group labels as lists write them, mapped to the six current groups (since 2022/2023); the "
    "2019-2022 branches (thảo dược; vải và may mặc; lưu niệm - nội thất - trang trí; dịch vụ du lịch "
    "nông thôn) are mapped here too.",
    (
        _c("variant", "VARCHAR", "Label as written in lists (matched accent- and case-insensitively).", True),
        _c("product_group", "VARCHAR", "One of the six current groups.", True),
        _c("note", "VARCHAR", "Where the label comes from ('2019-2022 branch', 'subgroup', ...)."),
    ),
    ("variant",),
)

# -- the build's bookkeeping --------------------------------------------------------------------
# What the last build read, kept so that the next one can skip work; deleting any of them only makes
# the next build do that work again. Internal: not published, not hashed or counted with the dataset,
# their columns free to change in any version (the data dictionary lists them apart, as such).

PAGE_CHECKS = Table(
    "_page_checks",
    "bookkeeping",
    "When each article page was last fetched without giving a new document (a 304, or bytes already "
    "landed): with documents.fetched_at, what its site's `revalidate_after_days` is measured from "
    "(raw/news_landing.py). Without it a page older than the window would be asked about at every build.",
    (
        _c("uri", "VARCHAR", "Article URL."),
        _c("checked_at", "TIMESTAMP", "When the page was last confirmed unchanged (naive UTC)."),
    ),
    ("uri",),
    published=False,
)

MENTION_INPUTS = Table(
    "_mention_inputs",
    "bookkeeping",
    "The fingerprint each entity and article was last matched under (mentions/rebuild.py): only those "
    "whose fingerprint changed are matched again.",
    (
        _c("kind", "VARCHAR", "entity | article."),
        _c("id", "VARCHAR", "products.product_id or subjects.subject_id; news_articles.article_id."),
        _c("fingerprint", "VARCHAR", "Hash of the matcher version and what it was matched as: an entity's kind, "
           "name, key, province and namesake counts; an article's document, extractor version and province."),
    ),
    ("kind", "id"),
    published=False,
)

MENTION_TEXT_KEYS = Table(
    "_mention_text_keys",
    "bookkeeping",
    "Each article's text as a matching key, kept so that new names are looked for in old articles "
    "without folding their text again (mentions/rebuild.py).",
    (
        _c("article_id", "VARCHAR", "Article (news_articles.article_id)."),
        _c("fingerprint", "VARCHAR", "The article's fingerprint when the key was made: a key made from another "
           "version of the page is not used."),
        _c("text_key", "VARCHAR", "Title and body as one matching key (accent-free, legal forms canonical)."),
    ),
    ("article_id",),
    published=False,
)

MENTION_ENTITIES = Table(
    "_mention_entities",
    "bookkeeping",
    "The products and subjects as the last mention rebuild read them (mentions/rebuild.py): a build "
    "where none changed skips matching, and a product whose name did not change keeps its key.",
    (
        _c("kind", "VARCHAR", "product | subject."),
        _c("id", "VARCHAR", "products.product_id or subjects.subject_id."),
        _c("name", "VARCHAR", "Name as read."),
        _c("key", "VARCHAR", "Matching key as read (products: the folded name; subjects: name_key)."),
        _c("province", "VARCHAR", "Current province as read."),
        _c("code", "VARCHAR", "Hash of the matching code that read it: a record of other code is not trusted."),
        _c("shared", "INTEGER", "Entities of its kind in its province with the same key then; null in a record "
           "older than the counts (unknown: matched again)."),
        _c("national", "INTEGER", "Entities of its kind in the country with the same key then; null as `shared`."),
    ),
    ("kind", "id"),
    published=False,
)

MENTION_ARTICLES = Table(
    "_mention_articles",
    "bookkeeping",
    "The articles as the last mention rebuild read them (mentions/rebuild.py).",
    (
        _c("article_id", "VARCHAR", "Article (news_articles.article_id)."),
        _c("document_id", "VARCHAR", "Its document as read."),
        _c("parser_version", "VARCHAR", "Its extractor version as read."),
        _c("province", "VARCHAR", "Its province as read."),
        _c("code", "VARCHAR", "Hash of the matching code that read it."),
    ),
    ("article_id",),
    published=False,
)

RESOLUTION_CACHE = Table(
    "_resolution_cache",
    "bookkeeping",
    "Each resolution group's entity-resolution answer under a fingerprint of its inputs "
    "(entities/resolution_cache.py): a group whose staged rows did not change is not resolved again.",
    (
        _c("group_key", "VARCHAR", "The group's current provinces, sorted, joined by a vertical bar "
           "(provinces that share a tax code resolve together)."),
        _c("fingerprint", "VARCHAR", "Hash of the group's subject records, their product names and first years, "
           "the curated decisions and the matching code."),
        _c("payload", "VARCHAR", "The answer as JSON: each spelling's subject id and how it matched, the "
           "product ids, the review pairs."),
    ),
    ("group_key",),
    published=False,
)

CORE_INPUTS = Table(
    "_core_inputs",
    "bookkeeping",
    "What the core tables were last built from (core/tables.py): nothing is rebuilt while it holds, only "
    "the province groups whose staged rows changed when only those did.",
    (
        _c("part", "VARCHAR", "settings | tables | group."),
        _c("provinces", "VARCHAR[]", "For a group: its current provinces; null otherwise."),
        _c("fingerprint", "VARCHAR", "Hash of the settings (code, as-of date, curated decisions, columns), of the "
           "five core tables as committed, or of a group's staged rows."),
    ),
    published=False,
)

NEWS_RATINGS_INPUTS = Table(
    "_news_ratings_inputs",
    "bookkeeping",
    "What the news ratings were last built from (core/news_ratings.py): the step is skipped while the "
    "articles with rating results, the code and the as-of date are the same and the tables it writes are "
    "as it left them.",
    (
        _c("inputs", "VARCHAR", "Hash of the articles with rating results, the code and the as-of date."),
        _c("state", "VARCHAR", "Hash of the tables the step wrote, as it left them."),
        _c("counts", "VARCHAR", "The counts the step reported (JSON), reported again when it is skipped."),
        _c("staged", "VARCHAR", "Hash of stg_news_ratings as the step left it: while it holds, only the "
           "articles that changed are staged again (`_news_rating_articles`)."),
    ),
    published=False,
)

# The dataset: every table researchers may query (documented, published when `published`).
ALL_TABLES: tuple[Table, ...] = (
    SOURCES, DOCUMENTS, STG_SHEET_ROWS, REJECTS, SUBJECTS, PRODUCTS, RATINGS, NEWS_ARTICLES, NEWS_FACTS, MENTIONS,
    ADMIN_UNITS, PROVINCE_CROSSWALK, SUBJECT_ALIASES, ENTITY_REVIEW, RECONCILIATION, PRODUCT_GROUP_CROSSWALK,
    STG_NEWS_RATINGS, RATING_EVIDENCE, RATING_DISAGREEMENTS, COVERAGE,
)
NEWS_RATING_ARTICLES = Table(
    "_news_rating_articles",
    "bookkeeping",
    "The articles `stg_news_ratings` was staged from (news/ratings.py), each with a fingerprint of its "
    "columns and of the code: a build reads again only the articles whose fingerprint changed.",
    (
        _c("article_id", "VARCHAR", "The article (news_articles.article_id)."),
        _c("fingerprint", "VARCHAR", "Hash of the article's columns the rows are made from, and the code's version."),
    ),
    published=False,
)
BOOKKEEPING_TABLES: tuple[Table, ...] = (
    PAGE_CHECKS, MENTION_INPUTS, MENTION_TEXT_KEYS, MENTION_ENTITIES, MENTION_ARTICLES, RESOLUTION_CACHE, CORE_INPUTS,
    NEWS_RATINGS_INPUTS, NEWS_RATING_ARTICLES,
)
TABLES = {t.name: t for t in (*ALL_TABLES, *BOOKKEEPING_TABLES)}


def create_table_sql(table: Table) -> str:
    """DDL for one table. Identifiers come from this module only, never from data.

    Keys are declared in the dictionary but not as DuckDB constraints: DuckDB rejects a delete and
    re-insert of the same key inside one transaction, which is exactly how re-runs replace rows.
    Uniqueness is enforced by the asset checks instead.
    """
    cols = ",\n  ".join(f'"{c.name}" {c.sql_type}' for c in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n  {cols}\n)"
