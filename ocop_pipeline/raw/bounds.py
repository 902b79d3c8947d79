"""Every bound the crawl puts on what a site can make it read: one home, imported, never restated.

A provincial portal's sitemap, feed or listing is outside input like any other; a broken CMS (or a
hostile one) can serve a sitemap index of 50,000 children, a listing of 100,000 links, a robots.txt of
megabytes. Each bound below is where the crawl stops reading; what lies past it is never dropped
silently: the cut is recorded (a `rejects` row, stage "discovery") with the count left unread.
"""

# Sitemaps fetched per source in one crawl (an index's children included): 20 polite requests.
MAX_SITEMAPS_PER_CRAWL = 20
# Entries read from one sitemap, sitemap index or feed (the sitemap protocol's own limit is 50,000).
MAX_URLS_PER_FEED = 5_000
# Levels of sitemap index followed: index -> index -> urlset. The protocol allows one; two is lenient.
MAX_SITEMAP_DEPTH = 2
# Links read from one listing page, in page order.
MAX_LINKS_PER_LISTING = 5_000
# Article pages not seen before that one crawl of one source fetches; the rest wait for the next crawl
# (known pages are skipped then, so the crawl moves on through a large site a thousand pages at a time).
MAX_NEW_ARTICLES_PER_CRAWL = 1_000
# robots.txt is parsed up to this many bytes (Google reads 500 KiB); a longer one is cut there.
MAX_ROBOTS_BYTES = 512 * 1024
# PDF attachments followed from one article page.
MAX_ATTACHMENTS_PER_ARTICLE = 10
# Rejected URLs recorded one by one per sitemap or feed; past this, one row gives the remaining count.
MAX_REJECTS_LISTED_PER_FEED = 100
