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


# --- hosting placeholders, script redirects, takeovers (issue 12) -----------------------------

# cPanel's page for a suspended account (every path of the account redirects to it).
SUSPENDED_CPANEL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Account Suspended</title>
<style>body{font-family:sans-serif;background:#f4f4f4}.box{margin:10% auto;width:40em}</style></head>
<body><div class="box"><h1>This Account has been suspended.</h1>
<p>Contact your hosting provider for more information.</p></div></body></html>
"""

# A hosting company's own suspended page, answered at the site's address.
SUSPENDED_HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Website suspended</title></head>
<body><main><img src="/.hosting/logo.svg" alt="">
<h2>This website is temporarily suspended</h2>
<p>If you are the owner of this website, please contact the hosting company that provides
your web space.</p></main></body></html>
"""

# Debian's and Ubuntu's stock Apache page: the package is installed, no site is.
APACHE_UBUNTU_DEFAULT = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>Apache2 Ubuntu Default Page: It works</title>
<style type="text/css" media="screen">div.page_header{height:180px}</style></head>
<body><div class="main_page"><div class="page_header floating_element">
<span class="floating_element">Apache2 Ubuntu Default Page</span></div>
<div class="content_section floating_element"><div class="section_header section_header_red">
<div id="about"></div>It works!</div>
<div class="content_section_text"><p>This is the default welcome page used to test the correct
operation of the Apache2 server after installation on Ubuntu systems. It is based on the
equivalent page on Debian, from which the Ubuntu Apache packaging is derived. If you can read
this page, it means that the Apache HTTP server installed at this site is working properly.
You should <b>replace this file</b> (located at <tt>/var/www/html/index.html</tt>) before
continuing to operate your HTTP server.</p></div>
<div class="section_header"><div id="changes"></div>Configuration Overview</div>
<div class="content_section_text"><p>Ubuntu's Apache2 default configuration is different from the
upstream default configuration, and split into several files optimized for interaction with
Ubuntu tools.</p><pre>/etc/apache2/
|-- apache2.conf
|       `--  ports.conf
|-- mods-enabled
|-- conf-enabled
`-- sites-enabled</pre></div></div></body></html>
"""

# nginx's welcome page.
NGINX_WELCOME = """<!DOCTYPE html>
<html><head><title>Welcome to nginx!</title>
<style>html { color-scheme: light dark; } body { width: 35em; margin: 0 auto; }</style></head>
<body><h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p></body></html>
"""

# The RHEL/CentOS/Rocky test page, which their welcome.conf serves with status 403.
RHEL_TEST_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>HTTP Server Test Page powered by: Rocky Linux</title></head>
<body><h1>HTTP Server <strong>Test Page</strong></h1>
<div class="row"><div class="col-sm-12"><p>This page is used to test the proper operation of
an HTTP server after it has been installed on a Rocky Linux system. If you can read this page,
it means that the software is working correctly.</p>
<h2>Just visiting?</h2><p>This website you are visiting is either experiencing problems or
could be going through maintenance.</p></div></div></body></html>
"""

# A website builder's page for a domain pointed at it with no site attached.
BUILDER_NOT_CONNECTED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Coming Soon</title>
<meta name="viewport" content="width=device-width"></head>
<body><div id="root"><h1>Looks like this domain isn't connected to a website yet!</h1>
<p>If you're the site owner, log in to your Wix dashboard to connect it.</p>
<a href="https://www.wix.com/">Create your website with Wix</a></div></body></html>
"""

# A registrar's placeholder on a domain nobody built on (one that does not name the registrar:
# naming it next to "coming soon" makes it a registrar's holding page, `parked`).
REGISTRAR_FUTURE_HOME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Coming soon</title></head>
<body><div class="wrap"><h1>Future home of something quite cool.</h1>
<p>If you're the site owner, log in to launch this site.</p></div></body></html>
"""

# A parking lander served from the domain itself: the service's own words, no host to name it.
PARKED_OWN_WORDS = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>parked-words.org</title></head>
<body><div class="ads"><h2>Related Links</h2>
<ul><li><a href="/?q=cheap+flights">Cheap Flights</a></li><li><a href="/?q=insurance">Insurance</a></li></ul></div>
<p class="disclaimer">The Sponsored Listings displayed above are served automatically by a third
party. Neither the service provider nor the domain owner maintain any relationship with the
advertisers.</p></body></html>
"""

# Script-only pages: a bounce to another registered domain, and one to a path of the same site.
SCRIPT_MOVED = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Redirecting…</title>
<script type="text/javascript">window.location.href = "http://new-home-org.net:{http_port}/welcome";</script>
</head><body><p>Redirecting… <a href="http://new-home-org.net:{http_port}/welcome">click here</a>.</p></body></html>
"""
SCRIPT_LOCAL = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title></title>
<script>location.replace('/en/index.html');</script></head><body></body></html>
"""

# A living organisation's page whose news merely mention the placeholder words.
NEWS_MENTIONS = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Riverside Tenants Association</title>
<meta property="og:site_name" content="Riverside Tenants Association"></head>
<body><header><nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/join/">Join</a></nav></header>
<main><h1>Riverside Tenants Association</h1>
<article><h2>Our Twitter account has been suspended</h2><p>For the second time this year the
platform suspended our account after a complaint by the landlord. Contact us by email instead;
we are appealing the decision and will tell members how it goes.</p></article>
<article><h2>New members' handbook coming soon</h2><p>The committee is finishing the handbook on
repairs, deposits and rent increases. It works! said a member who tried the draft checklist on
her own landlord, who fixed the boiler within a week.</p></article>
<article><h2>Annual meeting</h2><p>The annual meeting is on the second Saturday of March in the
community hall on Mill Street. Nominations for the committee close two weeks before. Bring a
neighbour: every tenant of the estate may join, and membership is free for the first year.
Childcare and refreshments are provided, and the hall has step-free access from the car park.</p>
<p>Minutes of last year's meeting, the accounts and the rules are in the documents section.</p>
</article></main>
<footer><p>© Riverside Tenants Association</p></footer></body></html>
"""

# A charity against gambling harm: the takeover words, and its own name.
GAMBLING_CHARITY = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Betting Harm Support Network — Home</title></head>
<body><main><h1>Betting Harm Support Network</h1>
<p>Online casino adverts, free spins and sports betting apps are everywhere. We help people
whose lives have been hurt by online gambling, and their families, with free confidential
support groups in twelve towns.</p>
<p>Call our helpline or come to a group: no one will judge you.</p></main></body></html>
"""

# What a dropped domain shows once a gambling affiliate has caught it.
TAKEOVER_CASINO = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Best Online Casino 2026 – Free Spins &amp; No Deposit Bonus</title>
<meta name="description" content="Top online casino sites, slot online, sports betting."></head>
<body><h1>Best Online Casino Sites</h1>
<p>Claim free spins and a no deposit bonus at the best online casino. Play slot online,
roulette and baccarat, or try sports betting with the best odds.</p>
<ul><li><a href="https://casino-review.example/">Casino reviews</a></li>
<li><a href="https://slots-bonus.example/">Slots bonus</a></li></ul></body></html>
"""

# A Greek, a Hebrew and an abbreviation-titled organisation's home pages.
GREEK_HOME = """<!DOCTYPE html>
<html lang="el"><head><meta charset="utf-8"><title>ΕΝΩΣΗ ΕΡΓΑΖΟΜΕΝΩΝ ΛΙΜΑΝΙΟΥ – Αρχική</title></head>
<body><h1>Ένωση Εργαζομένων Λιμανιού</h1><p>Νέα, εκδηλώσεις και πώς να γίνετε μέλος.</p></body></html>
"""
HEBREW_HOME = """<!DOCTYPE html>
<html lang="he" dir="rtl"><head><meta charset="utf-8"><title>דף הבית | איגוד הדיירים</title></head>
<body><h1>איגוד הדיירים</h1><p>חדשות, אירועים ואיך להצטרף.</p></body></html>
"""
ABBREVIATION_HOME = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SPEW | Home</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "PoliticalParty",
"name": "SPEW", "url": "/"}</script></head>
<body><h1>Fighting for a socialist future</h1><p>Campaigns, branch meetings and the paper.</p></body></html>
"""

# A site that answers its page only to a browser that returned its cookie.
COOKIE_WALL_HOME = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cookie Wall Cooperative</title></head>
<body><h1>Cookie Wall Cooperative</h1><p>News, events and how to join.</p></body></html>
"""

# The top of a page whose connection ends long before its announced length.
CUT_SHORT_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Slow Line Allotment Society</title></head>
<body><h1>Slow Line Allotment Society</h1><p>Plots, waiting list and the seed swap. """

# Before and after a domain is caught: the organisation's page, and what the new holder shows.
REREGISTERED_BEFORE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour Rowing Club</title></head>
<body><h1>Harbour Rowing Club</h1><p>Sessions on Tuesday and Saturday mornings.</p></body></html>
"""
REREGISTERED_AFTER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"></head>
<body><div class="hero"><p>Welcome. Content is being prepared. Please check back for updates on
our products and services in the coming weeks, and subscribe for news.</p></div></body></html>
"""
# --- Traps: pages built to make a parser's time explode (crawler.verdict.freshness, title) ---

# Old scanners re-read a run of white space from each of its characters, or a long attribute
# name from each of its letters; libxml2 compares each attribute of a tag with every earlier one.
TRAP_SPACES = 200_000  # characters of white space after a feed's or a sitemap's date element


def trap_feed(day: datetime) -> str:
    """An RSS feed whose first date is real and whose second element never ends: white space
    and no closing tag, up to the end of the file."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
        f"<title>Trap Feed</title><pubDate>{format_datetime(day)}</pubDate>\n"
        "<item><title>Unfinished</title><pubDate>" + " " * TRAP_SPACES + "x"
    )


def trap_sitemap(day: date) -> str:
    """A sitemap whose first lastmod is real and whose second never ends."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<url><loc>http://trap-sitemap.org/</loc><lastmod>{_noon(day)}</lastmod></url>\n"
        "<url><loc>http://trap-sitemap.org/x</loc><lastmod>" + " " * TRAP_SPACES + "x"
    )


def trap_page(day: date) -> str:
    """A live page (about 440 KiB) whose head holds a meta tag with a 100,000-letter attribute
    name, a tag with 40,000 attributes before the title, and 1,000 JSON-LD scripts that never
    close; a <time> at the end dates it."""
    attributes = " ".join(f"a{n}" for n in range(40_000))
    head = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f"<meta {'a' * 100_000}>\n<p {attributes}>\n<title>Trap Page</title>\n"
    )
    scripts = '<script type="application/ld+json">' * 1_000
    body = (
        "\n<h1>Trap Page</h1><p>An ordinary page with a hostile head.</p>"
        f'<time datetime="{day.isoformat()}">posted</time></html>\n'
    )
    return head + scripts + body

