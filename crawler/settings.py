"""Scrapy settings for the `websites` spider.

`crawler crawl` and `scrapy crawl websites` both start from this module; the CLI only
overrides the CRAWLER_* values and a few Scrapy ones its flags map onto (see
`crawler.run.settings_for`). Our own settings come first, prefixed CRAWLER_, each with
its unit or reason.
"""

from __future__ import annotations

import sys

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Ours ------------------------------------------------------------------------------

CRAWLER_ALLOW_PRIVATE = False  # permit loopback/private/reserved addresses (tests, intranets)
CRAWLER_CANARY_URL = None  # if set and it fails, the run is "network unavailable"
CRAWLER_CONTACT = None  # a URL about the crawler for site owners (crawler.toml puts it in USER_AGENT)
CRAWLER_DB = "data/history.sqlite3"  # the history store (SQLite file)
CRAWLER_DEAD_AFTER_CHECKS = 3  # a failing site is "dead" after this many failed checks...
CRAWLER_DEAD_AFTER_DAYS = 7  # ...spanning at least this many days (as Wikipedia's bot)
CRAWLER_DIRECTORY = "data/organisations.yaml"  # the directory file to check
CRAWLER_ENTRY_BUDGET = 3.0  # x the entry's timeout (its decision's, or DOWNLOAD_TIMEOUT): one whole check
CRAWLER_EXTRA_KEYS: list[str] = []  # entry fields of the directory's own (crawler.toml's extra_keys)
CRAWLER_FRESHNESS_ENABLED = True  # fetch sitemap.xml / a feed to date the content
CRAWLER_GC_THRESHOLD = 20_000  # allocations between the cycle collector's young passes; 0: Python's
CRAWLER_HISTORY_FOLD_AFTER_DAYS = 90  # older checks, beyond each entry's last 30, are folded; 0: never
CRAWLER_INACTIVE_AFTER_DAYS = 365  # content older than this is flagged "inactive"
CRAWLER_INFLATE_LIMIT = 8 * 1024 * 1024  # bytes a body may inflate to (gzip/brotli bombs)
CRAWLER_KEEPALIVE = 10  # seconds an idle connection waits for its site's next request
CRAWLER_ONLY: list[str] = []  # entry ids to check; empty = all
CRAWLER_PAGE_TITLE = "Organisation directory"  # the heading of the readers' page (index.html)
# The registration watch (crawler/registrations.py): RDAP records of the listed domains.
CRAWLER_RDAP_ENABLED = True
CRAWLER_RDAP_BOOTSTRAP = "data/rdap-dns.json"  # IANA's bootstrap file; the bundled snapshot until written
CRAWLER_RDAP_MAX_AGE_DAYS = 30  # an answer younger than this is not asked again
CRAWLER_RDAP_PER_RUN = 1000  # domains asked per crawl at most (one at a time per registry host); the rest next crawl
CRAWLER_RDAP_RETRY_DAYS = 1  # a lookup that got no answer waits this long
CRAWLER_PROGRESS = True  # a live line on a terminal, a periodic plain line in logs
CRAWLER_PROGRESS_INTERVAL = 10.0  # seconds between plain progress lines
CRAWLER_READ_LIMIT = 512 * 1024  # bytes read per page: the title and dates are near the top
CRAWLER_REPORTS = "reports"  # where the reports are written
CRAWLER_RETRY_AFTER_MAX = 10.0  # seconds; a longer Retry-After is not waited for
CRAWLER_RESOLVE: list[str] = []  # curl-style "HOST:PORT:ADDRESS" overrides (HOST may be *)
# The extra requests (soft-404 probe, feed, sitemap) obey robots.txt, one at a time per host
# with this many seconds between them (crawler.politeness); the listed page never asks robots.txt.
CRAWLER_SIDE_DELAY = 1.0
CRAWLER_SIDE_ROBOTS = True
CRAWLER_SOFT404_ENABLED = True  # probe a surely-missing path when a page looks like "not found"
CRAWLER_STALE_AFTER_DAYS = 30  # an entry not verified for this long is "stale"
CRAWLER_STOP_GRACE = 5.0  # seconds a stopping crawl may take before it is forced (SIGINT, SIGTERM)

# --- Politeness ------------------------------------------------------------------------

# Names the project and what it does, so a site owner reading logs knows who knocked.
USER_AGENT = "Mozilla/5.0 (compatible; organisations-directory-crawler/0.1; link checker)"
# The listed page is fetched as a reader's browser would, without robots.txt; the extra
# requests obey it (crawler.politeness.SidePoliteness, CRAWLER_SIDE_ROBOTS).
ROBOTSTXT_OBEY = False
# Across hosts: a check is mostly waiting, and a hanging host should cost a socket, not
# hold up the queue. With 512, 10,000 simulated sites (3 % hanging) took 2.06x the 30 s
# timeout on 2 cores, bound by CPU, not slots (benchmarks/README.md). `crawler.run` raises
# the open-files limit to match.
CONCURRENT_REQUESTS = 512
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per host: never hammer one site
DOWNLOAD_DELAY = 0
# Cookies as a browser keeps them within one visit: a jar per entry, dropped when its check is
# done, never shared between sites, never stored (crawler.middlewares.VisitCookiesMiddleware).
COOKIES_ENABLED = True
HTTPPROXY_ENABLED = False  # a proxy would resolve and connect for us, past the address guard
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's remote control: unused, and it needs asyncio
# The downloader/* byte and status counters of the stats dump: nothing reads them, and
# counting a request's bytes rebuilds its whole HTTP text, twice per URL.
DOWNLOADER_STATS = False
STATS_CLASS = "crawler.stats.DirectStatsCollector"  # Scrapy's, without a wrapper on every call

# --- Reliability -----------------------------------------------------------------------

DOWNLOAD_TIMEOUT = 30  # seconds per request (the spec's --timeout default)
DNS_TIMEOUT = 30  # seconds
RETRY_ENABLED = True
RETRY_TIMES = 1  # one more try for transient failures (resets, refusals, 5xx; not timeouts)
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408]  # not 429: that is a refusal (blocked)
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # a dead site is a verdict, not an error of ours
# A retry (and a Retry-After's second try) goes ahead of the entries not started yet, as a
# redirect does (REDIRECT_PRIORITY_ADJUST, +2): its entry's time budget is running
# (CRAWLER_ENTRY_BUDGET), and behind a queue of thousands (Scrapy's -1) it would spend it
# waiting for a slot, and the site would be called a timeout for the crawler's own backlog.
RETRY_PRIORITY_ADJUST = 2
# Scrapy's list without DownloadTimeoutError: a site that did not answer within the
# timeout rarely answers a second later, and retrying it doubles the cost of every
# hanging site (the longest waits of a crawl). Resets, refusals and DNS hiccups retry.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.CannotResolveHostError",
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,  # HttpCompressionMiddleware on an empty compressed body
]
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 20  # as browsers (Chrome, Firefox); a longer chain is a redirect loop
METAREFRESH_ENABLED = True  # <meta http-equiv=refresh> is followed as a redirect
METAREFRESH_MAXDELAY = 30  # seconds; longer delays are "come back later", not a move
HTTPERROR_ALLOW_ALL = True  # every status reaches the spider: 404 is a verdict, not an error
DOWNLOAD_MAXSIZE = 0  # see DecompressionCapMiddleware: ReadLimit and the inflate cap bound size
# A body cut short after its headers is used as far as it came, as a browser shows it; the
# response's "dataloss" flag becomes the check's `truncated` warning.
DOWNLOAD_FAIL_ON_DATALOSS = False
DOWNLOAD_WARNSIZE = 0  # our read limit stops downloads long before any warning matters

# --- TLS -------------------------------------------------------------------------------

DOWNLOAD_VERIFY_CERTIFICATES = True  # off by default in Scrapy; readers' browsers verify
# Names TLS problems, and keeps idle connections briefly (see CheckingHandler).
DOWNLOAD_HANDLERS = {"http": "crawler.net.handler.CheckingHandler", "https": "crawler.net.handler.CheckingHandler"}

# --- DNS and the address guard ---------------------------------------------------------

TWISTED_DNS_RESOLVER = "crawler.net.resolver.GuardedResolver"
REACTOR_THREADPOOL_MAXSIZE = 32  # getaddrinfo runs in these threads; Scrapy's 10 is a bottleneck

# --- Components ------------------------------------------------------------------------

# Scrapy components a check never uses, switched off to keep the per-URL path short: we
# follow redirects to any site (offsite) and yield no follow-up links. (The Referer
# middleware stays: the redirect middlewares warn without it.)
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    # Before everything that could send the request: refuse inward IP literals early.
    "crawler.middlewares.AddressGuardMiddleware": 50,
    # Before DownloadTimeoutMiddleware (350): an entry's decision may lengthen its timeout.
    "crawler.middlewares.DecisionTimeoutMiddleware": 340,
    # After Scrapy's DownloadTimeoutMiddleware (350), which it overrides with the time left.
    "crawler.middlewares.EntryBudgetMiddleware": 360,
    # Just outside HttpCompressionMiddleware (590), so its response hook runs first.
    "crawler.middlewares.DecompressionCapMiddleware": 595,
    # Next to RetryMiddleware (550): a polite wait before the one retry a 429 asks for.
    "crawler.middlewares.RetryAfterMiddleware": 560,
    # Scrapy's, in Scrapy's place (580), without decoding pages that cannot hold a refresh.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefreshMiddleware": 580,
    # Scrapy's cookies, one jar per entry, in Scrapy's place (700).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.VisitCookiesMiddleware": 700,
    # Before RetryMiddleware (550) sees a TLS failure: complete a chain the server left short.
    "crawler.middlewares.ChainCompletionMiddleware": 555,
    # Nearest the downloader, after everything that may turn a response into a new request:
    # the extra requests' robots.txt, one at a time per host, their delay and Retry-After.
    "crawler.politeness.SidePoliteness": 950,
}
EXTENSIONS = {
    "crawler.extensions.ReadLimit": 100,
    "crawler.extensions.GarbageCollection": 200,
    "crawler.extensions.Progress": 500,
    "crawler.extensions.Shutdown": 600,
}
ITEM_PIPELINES = {
    "crawler.pipelines.HistoryPipeline": 300,
}

# --- Scheduling ------------------------------------------------------------------------

# Twisted's own epoll loop, not Scrapy's default asyncio one: nothing here awaits asyncio
# objects (coroutines run on Deferreds either way), and the asyncio layer under every
# socket event costs CPU: 6 % less at 5,000 sites (mean of three interleaved runs each),
# 4 % less at 100,000, though within this VM's noise (benchmarks/README.md). Linux only,
# as epoll is; elsewhere Scrapy's default.
TWISTED_REACTOR = (
    "twisted.internet.epollreactor.EPollReactor"
    if sys.platform.startswith("linux")
    else "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
)

# One request per site makes every site its own downloader slot; the default
# DownloaderAwarePriorityQueue scans all slots per request (quadratic in sites).
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.ScrapyPriorityQueue"
CONCURRENT_ITEMS = 16
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"  # no per-URL DEBUG records above DEBUG
