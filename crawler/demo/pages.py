"""Page bodies for the simulated web (`crawler.demo.web`), apart so its scenario table stays short.

Every body is a `str` (the scenario says how to encode it) and may contain the tokens
``{http_port}`` and ``{https_port}``, which the server replaces when it answers. Nothing else
is templated, so braces in CSS, JavaScript and JSON-LD are safe. Each page imitates one real
kind of page closely enough that a classifier tuned on it would work on the real thing, but
no two scenarios share a body by accident: the signal tables must not pass by luck.
"""

from __future__ import annotations

from datetime import date, datetime
from email.utils import format_datetime


def live_home(title_html: str, lead: str, lang: str = "en") -> str:
    """An ordinary, healthy home page. `title_html` is inserted as HTML (entities allowed)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title_html}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header><nav><a href="/">Home</a> <a href="/about/">About us</a> <a href="/news/">News</a>
<a href="/contact/">Contact</a></nav></header>
<main>
<h1>{title_html}</h1>
<p>{lead}</p>
<p>Our next open meeting is on the first Thursday of the month. Everyone is welcome.</p>
</main>
<footer><p>&copy; The organisers. <a href="/privacy/">Privacy</a></p></footer>
</body>
</html>
"""


NOT_FOUND = """<!DOCTYPE html>
<html><head><title>404 Not Found</title></head>
<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>
<hr><address>Apache Server</address></body></html>
"""

# What a soft-404 site sends for *every* path, with status 200.
SOFT_404 = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Page not found</title></head>
<body>
<div class="error-page">
<h1>Oops! That page can&rsquo;t be found.</h1>
<p>It looks like nothing was found at this location. Maybe try a search?</p>
<form action="/" method="get"><input type="search" name="s"><button>Search</button></form>
</div>
</body>
</html>
"""

# A single-page site whose server answers every path with this same home page.
CATCH_ALL_HOME = live_home(
    "Riverside Allotment Society",
    "Plots are available again this spring. Contact the secretary to join the waiting list.",
)

# --- Redirects done in HTML -------------------------------------------------------------

META_REFRESH_MOVED = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=http://new-owner.net:{http_port}/">
<title>We have moved</title>
</head>
<body><p>We have moved to <a href="http://new-owner.net:{http_port}/">new-owner.net</a>.
You will be taken there automatically.</p></body>
</html>
"""


def redirect_note(location: str) -> str:
    """The little body servers send with a 3xx, as Apache and nginx do."""
    return (
        "<!DOCTYPE html>\n<html><head><title>Moved</title></head>"
        f'<body><p>The document has moved <a href="{location}">here</a>.</p></body></html>\n'
    )


# --- Parked and placeholder pages (four distinct styles) --------------------------------

# A domain broker's "for sale" lander (Sedo / Dan / Afternic style).
PARKED_FOR_SALE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>forsale-lander.com is for sale!</title>
<style>body{font-family:sans-serif;text-align:center}.price{font-size:2em}</style>
</head>
<body>
<div class="hero">
<h1>This domain is for sale!</h1>
<p class="domain">forsale-lander.com</p>
<p class="price">USD 2,495</p>
<a class="btn"
   href="https://sedo.com/search/details/?partnerid=3245&amp;domain=forsale-lander.com">Buy now</a>
<a class="btn" href="https://sedo.com/search/details/?domain=forsale-lander.com&amp;offer=1">
Make an offer</a>
<p>Secure payment and domain transfer through our escrow service. Fast ownership transfer.</p>
</div>
<footer>Domain listed by its owner at Sedo. <a href="https://sedo.com/">Sedo.com</a></footer>
</body>
</html>
"""

# A registrar's default page for a freshly registered name.
PARKED_REGISTRAR = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>registrar-hold.net - Coming Soon</title>
</head>
<body class="parking">
<div class="box">
<h1>registrar-hold.net</h1>
<h2>Coming soon!</h2>
<p>This domain has been registered at Namecheap. The owner may be building a website right now.</p>
<p>Want your own domain? <a href="https://www.namecheap.com/">Search for a domain name</a></p>
</div>
</body>
</html>
"""

# The page a registrar shows once the registration has lapsed.
PARKED_EXPIRED = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>expired-domain.com</title>
</head>
<body>
<main class="expired-notice">
<h1>This domain has expired.</h1>
<p>If you are the registrant of <strong>expired-domain.com</strong>, you can still get it back.</p>
<p><a class="button" href="https://www.godaddy.com/renew?domain=expired-domain.com">Renew now</a>
</p>
<p class="small">Domain services provided by your registrar. Parking page.</p>
</main>
</body>
</html>
"""

# Parking-company entry page: it bounces the browser to its ad lander with JavaScript.
PARKED_JS_REDIRECT = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>sponsored-links.net</title>
<script type="text/javascript">
  var lander = "/lander";
  window.location.replace(lander + "?ref=" + encodeURIComponent(document.referrer));
</script>
</head>
<body>
<noscript><p>Related Links: <a href="/lander?kw=trade+union">Trade Union</a>
<a href="/lander?kw=cheap+flights">Cheap Flights</a></p></noscript>
</body>
</html>
"""

# The parking company's ad lander (Bodis / ParkingCrew style).
PARKED_LANDER = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sponsored-links.net - Related Searches</title>
<script src="/js/caf.js" async></script>
</head>
<body>
<div id="domain">sponsored-links.net</div>
<div id="related">
<h2>Related Searches</h2>
<ul class="sponsored">
<li><a href="/lander?kw=workers+rights">Workers Rights</a></li>
<li><a href="/lander?kw=online+degree">Online Degree</a></li>
<li><a href="/lander?kw=car+insurance+quotes">Car Insurance Quotes</a></li>
<li><a href="/lander?kw=cheap+flights">Cheap Flights</a></li>
</ul>
<p class="ads-note">Sponsored Listings</p>
</div>
<footer>This domain may be for sale. <a href="/inquire">Inquire now</a> |
<a href="/privacy">Privacy Policy</a> | Parking by ParkingCrew</footer>
</body>
</html>
"""

# --- Refusals and errors ------------------------------------------------------------------

CHALLENGE_CF = """<!DOCTYPE html>
<html lang="en-US">
<head>
<title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow">
<style>*{box-sizing:border-box;margin:0;padding:0}</style>
</head>
<body class="no-js">
<div class="main-wrapper" role="main">
<div class="main-content">
<h1 class="zone-name-title h1">challenge-cf.org</h1>
<h2 class="h2" id="challenge-running">Checking your browser before accessing challenge-cf.org.</h2>
<noscript><div class="h2">Enable JavaScript and cookies to continue</div></noscript>
<p>This process is automatic. Your browser will redirect to your requested content shortly.</p>
</div>
</div>
<script>(function(){window._cf_chl_opt={cvId:'3',cType:'managed'};})();</script>
<div class="footer">Performance &amp; security by Cloudflare | Ray ID: 8a1b2c3d4e5f6789</div>
</body>
</html>
"""

CHALLENGE_JS_COOKIES = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>DDoS-Guard</title>
</head>
<body>
<div id="content">
<h1>Checking your browser</h1>
<p>Please enable JavaScript and cookies to continue.</p>
<p>You will be redirected once the check is complete.</p>
</div>
<script src="/.well-known/ddos-guard/check?context=free_splash"></script>
<footer>DDoS protection by DDoS-Guard</footer>
</body>
</html>
"""

FORBIDDEN = """<!DOCTYPE html>
<html><head><title>403 Forbidden</title></head>
<body><h1>Forbidden</h1><p>You don't have permission to access this resource.</p></body></html>
"""

UNAUTHORIZED = """<!DOCTYPE html>
<html><head><title>401 Authorization Required</title></head>
<body><h1>Authorization Required</h1><p>Members only: please log in.</p></body></html>
"""

TOO_MANY = """<!DOCTYPE html>
<html><head><title>429 Too Many Requests</title></head>
<body><h1>Too Many Requests</h1><p>Slow down and try again in a moment.</p></body></html>
"""

SERVER_ERROR = """<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an internal error and was
unable to complete your request.</p></body></html>
"""

UNAVAILABLE = """<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your
request due to maintenance downtime or capacity problems.</p></body></html>
"""

GONE = """<!DOCTYPE html>
<html><head><title>410 Gone</title></head>
<body><h1>Gone</h1><p>This site has been closed down.</p></body></html>
"""

# --- Titles and encodings -----------------------------------------------------------------

# Declares nothing in the page: the charset comes only from the HTTP header.
CYRILLIC = """<!DOCTYPE html>
<html lang="ru">
<head><title>Новости партии — Главная</title></head>
<body><h1>Новости партии</h1><p>Собрание состоится в четверг.</p></body>
</html>
"""

SHIFT_JIS = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="Shift_JIS">
<title>市民の会 公式サイト</title>
</head>
<body><h1>市民の会</h1><p>次の集会は木曜日です。</p></body>
</html>
"""

GB2312 = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>人民论坛 首页</title>
</head>
<body><h1>人民论坛</h1><p>欢迎访问我们的网站。</p></body>
</html>
"""

POLISH = """<!DOCTYPE html>
<html lang="pl">
<head><title>Związek Wędkarzy Polskich - Strona główna</title></head>
<body><h1>Związek Wędkarzy Polskich</h1><p>Zażółć gęślą jaźń.</p></body>
</html>
"""

# Sent as UTF-8 with a byte-order mark and no charset anywhere: the BOM is the only hint.
BOM = """<!DOCTYPE html>
<html lang="fr">
<head><title>Fédération Écologiste — Accueil</title></head>
<body><h1>Fédération Écologiste</h1><p>Bienvenue à tous.</p></body>
</html>
"""

MESSY_TITLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>
\t  Tom &amp; Jerry&#8217;s\n     &quot;Caf&eacute;&quot;   &#x2014;\t Home
</title>
</head>
<body><p>Open every day.</p></body>
</html>
"""

# An inline SVG sprite in the head: its <title> comes first but is not the page title.
SVG_BEFORE_TITLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<svg xmlns="http://www.w3.org/2000/svg" style="display:none">
<symbol id="logo" viewBox="0 0 16 16"><title>icon</title><circle cx="8" cy="8" r="7"/></symbol>
</svg>
<title>Green Valley Co-operative</title>
</head>
<body><svg><use href="#logo"/></svg><p>Fair prices, local food.</p></body>
</html>
"""

OG_TITLE_ONLY = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta property="og:title" content="Harbour Workers Union">
<meta property="og:type" content="website">
</head>
<body><h1>Welcome aboard</h1></body>
</html>
"""

IDN_HOME = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>Bücherstube am Markt — Startseite</title></head>
<body><h1>Bücherstube am Markt</h1><p>Öffnungszeiten: Mo–Sa 9–18 Uhr.</p></body>
</html>
"""


def long_title_page(title: str) -> str:
    """A page whose title is `title` (meant to be absurdly long)."""
    return live_home(title, "Someone pasted the whole mission statement into the title.")


# --- Freshness: dates the site gives for its own content ----------------------------------


def _noon(day: date) -> str:
    return f"{day.isoformat()}T12:00:00+00:00"


# A robots.txt that points at the sitemap on the same host and port.
ROBOTS_WITH_SITEMAP = (
    "User-agent: *\nDisallow: /admin/\n\n"
    "Sitemap: http://fresh-sitemap.org:{http_port}/sitemap.xml\n"
)


ROBOTS_FORBID_ALL = "User-agent: *\nDisallow: /\n"


def sitemap_xml(entries: list[tuple[str, date]]) -> str:
    """A sitemap with one <url> per (path, lastmod); order is deliberately not by date."""
    urls = "".join(
        f"  <url><loc>http://fresh-sitemap.org:{{http_port}}{path}</loc>"
        f"<lastmod>{_noon(day)}</lastmod></url>\n"
        for path, day in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def page_with_feed_link() -> str:
    """A home page announcing its RSS feed in the head."""
    return live_home("Tenants Union Newsroom", "Read our latest statements.").replace(
        "</head>",
        '<link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml">\n</head>',
    )


def rss_feed(items: list[tuple[str, datetime]]) -> str:
    """An RSS 2.0 feed with one <item> per (title, pubDate)."""
    body = "".join(
        f"<item><title>{title}</title><link>http://fresh-feed.org:{{http_port}}/news/{n}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>\n"
        for n, (title, when) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        "<title>Tenants Union Newsroom</title><link>http://fresh-feed.org:{http_port}/</link>\n"
        f"<description>Statements</description>\n{body}</channel></rss>\n"
    )


def json_ld_page(published: date, modified: date) -> str:
    """An article page carrying schema.org JSON-LD with datePublished and dateModified."""
    script = (
        '<script type="application/ld+json">\n'
        '{"@context": "https://schema.org", "@type": "WebPage", "name": "About the co-op",\n'
        f' "datePublished": "{_noon(published)}", "dateModified": "{_noon(modified)}"}}\n'
        "</script>\n"
    )
    page = live_home("Bakers Co-operative", "Who we are and what we bake.")
    return page.replace("</head>", script + "</head>")


def time_elements_page(title: str, days: list[date]) -> str:
    """A news list whose posts carry <time datetime> stamps (first one as a full timestamp)."""
    posts = "".join(
        f'<article><h2>Post {n}</h2><time datetime="{_noon(day) if n == 0 else day.isoformat()}">'
        f"{day:%d %B %Y}</time></article>\n"
        for n, day in enumerate(days)
    )
    return live_home(title, "Latest posts below.").replace("</main>", posts + "</main>")


# --- Hostile bodies -----------------------------------------------------------------------

# The start of the 60 MB page: its title is within the first kilobyte.
HUGE_HEAD = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Archive of Everything</title></head>
<body><h1>Archive of Everything</h1>
<p>"""
HUGE_FILLER_LINE = "All the minutes of every meeting since 1890, pasted into one paragraph. "
HUGE_TAIL = "</p>\n</body>\n</html>\n"

# What `trickle.org` drips out, one byte a second, over and over.
TRICKLE_BODY = (
    "<!DOCTYPE html>\n<html><head><title>Slow Dial-up Club</title></head>"
    "<body><p>Please wait while the page loads...</p></body></html>\n"
)
