"""The one table of page-text signals: parking pages, bot challenges, soft 404s.

Every match on page text in the crawler lives in `SIGNALS`. Each signal is evidence, not a verdict:
a page is parked or a challenge when the weights of the signals it shows reach a threshold, so one
weak word ("coming soon", "related links") never decides alone. Each row says why it holds across
providers rather than for one page we happened to see.

Patterns are matched against lower-cased subjects, so they are written in lower case. A signal's
`clues` are literal strings one of which every match contains: a substring test (fast) skips the
regular expression (slow, per character) on the many pages without them.

All functions are pure (text, headers and status in; names or booleans out), read at most
`SCAN_LIMIT` characters of HTML and `TEXT_WORDS` words of its visible text, and never raise.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["parked", "challenge", "soft-404"]
# What a signal's pattern is matched against:
#   title   -- the page title (as `crawler.verdict.title.extract_title` gives it);
#   heading -- the text of the page's <h1> elements;
#   text    -- title plus the visible text (tags, scripts, styles and comments removed,
#              entities resolved, white space collapsed);
#   html    -- the raw HTML (links, scripts, redirects);
#   url     -- the final URL after redirects;
#   header  -- the response headers, one "name: value" line each.
Where = Literal["title", "heading", "text", "html", "url", "header"]


@dataclass(frozen=True, slots=True)
class Signal:
    name: str
    kind: Kind
    pattern: re.Pattern[str]
    weight: float
    where: Where
    clues: tuple[str, ...] = ()  # empty: always run the pattern
    # A cheap pattern several signals share: tried once per subject, and `pattern` only if
    # it matched. Three parking-host signals each checking 24 host names as clues cost a
    # quarter of the crawler's CPU per page; one search for "//" + a parking host does not.
    gate: re.Pattern[str] | None = None

    def clued(self, present: Callable[[str], bool]) -> bool:
        """Whether the pattern is worth trying: it has no clues, or `present` finds one."""
        return not self.clues or any(present(clue) for clue in self.clues)

    def search(self, subject: str) -> bool:
        """Whether the (lower-cased) subject shows this signal."""
        return self.clued(subject.__contains__) and self.pattern.search(subject) is not None


# Parking, challenge and 404 pages are small and say what they are near the top; reading a large
# page to the end only costs CPU per URL.
SCAN_LIMIT = 32_000  # characters of HTML
# What a reader sees of those: a parking, challenge or error page says what it is in a few dozen
# words. Looking no further also keeps "coming soon" deep in a long, living page from counting.
TEXT_WORDS = 1_000
PARKED_THRESHOLD = 3.0
CHALLENGE_THRESHOLD = 2.0
# Statuses a CDN or firewall answers a challenge with; at any other status only a strong header
# (the CDN saying so itself) makes a page a challenge.
CHALLENGE_STATUSES = frozenset({403, 429, 503})
STRONG_HEADER_WEIGHT = 3.0
# same_page: pages whose normalised words agree this much are the same page.
SAME_PAGE_RATIO = 0.9
# The diff is quadratic or worse in repetitive text: 500 words take at most ~10 ms, 2,000 take
# half a second. The top of a page is enough to tell its template and its message.
SAME_PAGE_MAX_WORDS = 500

# Registrars and hosts whose own holding pages ("registered at ...", "coming soon") stand in for a
# site. Regex fragments, matched between word boundaries.
_REGISTRARS = (
    r"godaddy(?:\.com)?|namecheap(?:\.com)?|gandi(?:\.net)?|ionos|1&1|1and1|hostinger|porkbun"
    r"|dynadot|network solutions|networksolutions|name\.com|enom|tucows|ovh(?:cloud)?|strato"
    r"|one\.com|123-reg|bluehost|namesilo|epik|crazy domains|register\.com|united-domains"
    r"|united domains|hostgator|dreamhost|web\.com|domain\.com|names\.co\.uk|fasthosts|hetzner"
    r"|namebright|dynu|internetbs|openprovider|key-systems|rrpproxy|sav\.com|spaceship"
)
# Parking services and domain brokers: a page that loads from, links to or redirects to them is
# a domain on the market, whoever the provider.
_PARKING_HOSTS = (
    "sedo.com", "sedoparking.com", "dan.com", "afternic.com", "bodis.com", "parkingcrew.net",
    "above.com", "hugedomains.com", "cashparking.com", "parkingpage.namecheap.com",
    "domainmarket.com", "buydomains.com", "undeveloped.com", "parklogic.com", "domainsponsor.com",
    "skenzo.com", "uniregistry.com", "efty.com", "brandbucket.com", "squadhelp.com",
    "perfectdomain.com", "domainnamesales.com", "dsultra.com", "parking.godaddy.com",
)  # fmt: skip
# A host name ending in one of the parking hosts, after "//" (so "jordan.com" is not "dan.com")
# and before the end of the host.
_HOST_END = r"(?![a-z0-9-]|\.[a-z0-9])"
_PARKING_HOST = (
    rf"(?:[a-z0-9-]{{1,63}}\.){{0,4}}(?:{'|'.join(map(re.escape, _PARKING_HOSTS))}){_HOST_END}"
)
_ON_PARKING_HOST = "//" + _PARKING_HOST
# Every match of the HTML parking-host signals contains this; its literal "//" prefix lets the
# regex engine skip straight between candidate positions.
_PARKING_HOST_GATE = re.compile(_ON_PARKING_HOST)
_SET_LOCATION = r"location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()\s*[\"']"
_META_REFRESH = r"<meta\b[^>]{0,200}http-equiv\s*=\s*[\"']?refresh[^>]{0,200}url\s*=\s*[\"']?"
_APOSTROPHE = "['\u2019]"
_REGISTERED_WITH = (
    rf"\b(?:registered|reserved|parked) (?:at|with|through|by|via) (?:{_REGISTRARS})(?!\w)"
)
# "404" as an error code: opening the title or heading, or next to "error", "page" or "not
# found". A bare number elsewhere is a name ("Association 404", "Route 404").
_FOUR_OH_FOUR = (
    r"^\W*(?:error\W*)?404(?!\w|[.,]\d)"
    r"|(?<![\w.,])404\W{0,3}(?:error|page|not found)\b"
    r"|\b(?:error|page|http|oops)\W{0,3}404(?!\w|[.,]\d)"
)
_NOT_FOUND = (
    # English: "Page not found", "Nothing found", "Nothing was found", "File not found",
    # "This page does not exist", "The page you requested could not be found".
    rf"\bnot found\b|\bnothing (?:was )?found\b"
    rf"|\b(?:page|file|document|url|article|post)\b.{{0,60}}\b(?:"
    rf"(?:does ?n{_APOSTROPHE}?t|does not|no longer) exists?"
    rf"|(?:could ?n{_APOSTROPHE}?t|could not|can{_APOSTROPHE}?t|cannot|can not) be found)\b"
    # German, French, Spanish, Portuguese, Italian, Dutch, Polish, Czech, Swedish,
    # Danish/Norwegian, Turkish.
    rf"|\bnicht gefunden\b|\bexistiert nicht\b|\bintrouvable\b|\bnon trouv[ée]e?\b"
    rf"|\bn{_APOSTROPHE}existe (?:pas|plus)\b|\bno encontrad[ao]\b|\bno existe\b"
    r"|\bnão encontrad[ao]\b|\bnão existe\b|\bnon trovat[ao]\b|\bnon esiste\b"
    r"|\bniet gevonden\b|\bbestaat niet\b|\bnie znaleziono\b|\bnie istnieje\b"
    r"|\bnenalezen[ao]?\b|\bhittades inte\b|\bkunde inte hittas\b|\bikke fundet\b"
    r"|\bfinnes ikke\b|\bbulunamad[ıi]\b"
    # Russian, Ukrainian, Japanese, Chinese, Korean.
    r"|не найден[аоы]?|не существует|не знайден[аоі]?|не існує"
    r"|見つかりません|ページが存在しません"
    r"|页面不存在|找不到(?:页面|網頁|网页)|页面未找到|頁面不存在"
    r"|페이지를 찾을 수 없습니다"
)


def _signal(
    name: str,
    kind: Kind,
    pattern: str,
    weight: float,
    where: Where,
    clues: Iterable[str] = (),
    gate: re.Pattern[str] | None = None,
) -> Signal:
    # MULTILINE: header signals anchor each header line with ^; every other subject is one line.
    compiled = re.compile(pattern, re.MULTILINE)
    return Signal(name, kind, compiled, weight, where, tuple(clues), gate)


SIGNALS: tuple[Signal, ...] = (
    # --- parked: parking, for-sale, expired and registrar-holding pages -------------------------
    # Every broker and parking lander offers the domain itself for sale ("This domain may be for
    # sale", "example.com is for sale"); a shop's "sale" is never about its own domain.
    _signal(
        "domain-for-sale",
        "parked",
        r"\bdomain(?: name)? (?:is |may be |might be |could be )?(?:now )?"
        r"(?:for sale|available for (?:sale|purchase|lease))\b"
        r"|\b(?:[a-z0-9-]{1,63}\.){1,4}[a-z]{2,63} (?:is|may be) (?:now )?"
        r"(?:for sale|available for (?:sale|purchase|lease))\b",
        3,
        "text",
        clues=("for sale", "available for"),
    ),
    # The call to action of every sales lander (Dan, Afternic, Sedo, HugeDomains, GoDaddy).
    _signal(
        "buy-this-domain",
        "parked",
        r"\b(?:buy|purchase|acquire|get|own|lease) this domain(?: name)?\b",
        3,
        "text",
        clues=("this domain",),
    ),
    # Brokers' second call to action; marketplaces and estate agents say it too, so it needs
    # company (a broker link, a sale wording).
    _signal(
        "make-an-offer",
        "parked",
        r"\b(?:make|submit) (?:an|your|us an) offer\b",
        1.5,
        "text",
        clues=("an offer", "your offer"),
    ),
    # Registrars replace an expired domain's site with a notice naming the domain, not the site.
    _signal(
        "domain-expired",
        "parked",
        r"\bdomain(?: name)?(?: [^ ]{1,80}){0,2} (?:has (?:now )?expired|expired on|is expired)\b",
        3,
        "text",
        clues=("expired",),
    ),
    # Goes with the expiry notice; alone it is any subscription page.
    _signal(
        "renew-now",
        "parked",
        r"\brenew (?:it|now|this domain|your domain)\b",
        1,
        "text",
        clues=("renew ",),
    ),
    # A registrar's holding page names the registrar as where the domain is registered; a live
    # site rarely does, but a help page or a blog post might.
    _signal(
        "registered-with-registrar",
        "parked",
        _REGISTERED_WITH,
        1.5,
        "text",
        clues=("registered ", "reserved ", "parked "),
    ),
    # ... and in the title ("example.com - Registered at Namecheap.com") it is the whole page.
    _signal(
        "title-registered-with-registrar",
        "parked",
        _REGISTERED_WITH,
        3,
        "title",
        clues=("registered ", "reserved ", "parked "),
    ),
    # Weak alone: products, events and new sites are "coming soon" too.
    _signal(
        "coming-soon",
        "parked",
        r"\b(?:coming|launching) soon\b",
        1,
        "text",
        clues=("coming soon", "launching soon"),
    ),
    # "Coming soon" next to a registrar or host brand, at the top of the page, is that provider's
    # placeholder for a domain nobody has built a site on. Always fires together with coming-soon:
    # 2 + 1 reaches the bar. (Anchored to the first 3,000 characters: the page is tiny, and
    # trying the brands at every position of a long page is slow.)
    _signal(
        "coming-soon-registrar",
        "parked",
        rf"\A.{{0,3000}}?(?:\b(?:coming|launching) soon\b.{{0,200}}\b(?:{_REGISTRARS})(?!\w)"
        rf"|\b(?:{_REGISTRARS})\b.{{0,200}}\b(?:coming|launching) soon\b)",
        2,
        "text",
        clues=("coming soon", "launching soon"),
    ),
    # Parking providers and registrars say it in so many words ("parked free, courtesy of").
    _signal(
        "parked-domain",
        "parked",
        r"\bparked (?:free|domains?)\b|\bdomain(?: name)? (?:is|has been) parked\b",
        3,
        "text",
        clues=("parked",),
    ),
    # Pay-per-click parking pages are lists of ad links under these headings; news sites have
    # "related links" too, hence the low weight.
    _signal(
        "related-links",
        "parked",
        r"\brelated (?:links|searches)\b",
        1,
        "text",
        clues=("related links", "related searches"),
    ),
    _signal(
        "sponsored-listings",
        "parked",
        r"\bsponsored (?:listings|results)\b",
        2,
        "text",
        clues=("sponsored listings", "sponsored results"),
    ),
    # A link to a broker or parking service is evidence, but a blog post about domains has one
    # too: it needs company (a sale or ad wording) to reach the bar.
    _signal("parking-host-link", "parked", _ON_PARKING_HOST, 1.5, "html", gate=_PARKING_HOST_GATE),
    # A page rendered by a parking service's script or frame is that service's page.
    _signal(
        "parking-host-script",
        "parked",
        rf"<(?:script|iframe|frame)\b[^>]{{0,300}}\bsrc\s*=\s*[\"']?(?:https?:)?{_ON_PARKING_HOST}",
        3,
        "html",
        gate=_PARKING_HOST_GATE,
    ),
    # A home page that sends the browser on to a broker or parking host.
    _signal(
        "parking-host-redirect",
        "parked",
        rf"(?:{_SET_LOCATION}|{_META_REFRESH})(?:https?:)?{_ON_PARKING_HOST}",
        3,
        "html",
        gate=_PARKING_HOST_GATE,
    ),
    # GoDaddy/Afternic parked domains are an empty page that jumps to "/lander" by script.
    _signal(
        "lander-redirect", "parked", (
            # Straight to it, or through a variable holding the path in the same script.
            rf"{_SET_LOCATION}/lander\b"
            r"|[\"']/lander[\"'?][^<]{0,300}location(?:\.href)?\s*(?:=|\.replace\(|\.assign\()"
        ), 3, "html", clues=("/lander",)
    ),
    # Registrars' parking programmes, by the assets only their parking pages load.
    _signal(
        "registrar-parking-asset",
        "parked",
        r"\bcashparking\b|wsimg\.com/parking-lander|parkingpage\.namecheap\.com",
        3,
        "html",
        clues=("cashparking", "parking-lander", "parkingpage.namecheap.com"),
    ),
    # The listed URL ended up on a parking or broker host.
    _signal(
        "parking-host-url",
        "parked",
        rf"^https?://(?:[^/?#@]*@)?{_PARKING_HOST}",
        3,
        "url",
        clues=_PARKING_HOSTS,
    ),
    # --- challenge: CDN and firewall bot checks ------------------------------------------------
    # Cloudflare's interstitial titles, in every Cloudflare challenge generation.
    _signal(
        "cloudflare-just-a-moment",
        "challenge",
        r"^just a moment\W*$",
        3,
        "title",
        clues=("just a moment",),
    ),
    _signal(
        "cloudflare-attention-required",
        "challenge",
        r"\battention required!? \| cloudflare\b",
        3,
        "title",
        clues=("attention required",),
    ),
    # The challenge page's own script and parameters (not Cloudflare's JS detections, which
    # normal pages load from /cdn-cgi/challenge-platform/scripts/).
    _signal(
        "cloudflare-challenge-script",
        "challenge",
        r"_cf_chl_opt|\bcf-chl-|\bcf_chl_|/cdn-cgi/challenge-platform/h/",
        3,
        "html",
        clues=("cf_chl_", "cf-chl-", "/cdn-cgi/challenge-platform/h/"),
    ),
    # Cloudflare says in a header that it answered with a challenge: holds at any status.
    _signal(
        "cf-mitigated-challenge",
        "challenge",
        r"^cf-mitigated: *challenge\b",
        3,
        "header",
        clues=("cf-mitigated",),
    ),
    # The interstitial's wording across Cloudflare, DDoS-Guard, BitNinja and hosting WAFs.
    _signal(
        "checking-your-browser",
        "challenge",
        r"\bchecking (?:your browser|if the site connection is secure)\b",
        3,
        "text",
        clues=("checking your browser", "checking if the site"),
    ),
    _signal(
        "ddos-protection-by",
        "challenge",
        r"\bddos protection by\b",
        2,
        "text",
        clues=("ddos protection by",),
    ),
    _signal(
        "enable-javascript-and-cookies",
        "challenge",
        r"\b(?:please )?(?:enable|turn on) javascript and cookies to continue\b",
        3,
        "text",
        clues=("javascript and cookies",),
    ),
    # Captcha walls of every vendor ask the same question.
    _signal(
        "verify-human",
        "challenge",
        rf"\bverify(?:ing)? (?:that )?you{_APOSTROPHE}?(?: are|re)? (?:a )?human\b"
        r"|\bare you a robot\b|\bpress (?:&|and) hold\b",
        2,
        "text",
        clues=("human", "robot", "hold"),
    ),
    # Sucuri's firewall block page and its headers.
    _signal(
        "sucuri-firewall",
        "challenge",
        r"\bsucuri website firewall\b",
        3,
        "text",
        clues=("sucuri website firewall",),
    ),
    _signal(
        "sucuri-header",
        "challenge",
        r"^(?:x-sucuri-id|x-sucuri-block):|^server: *sucuri",
        1,
        "header",
        clues=("sucuri",),
    ),
    # Imperva (Incapsula): its block page names an incident id; its resources are unmistakable.
    _signal(
        "incapsula-incident",
        "challenge",
        r"\bincapsula incident id\b",
        3,
        "text",
        clues=("incapsula incident id",),
    ),
    _signal(
        "incapsula-resource",
        "challenge",
        r"_incapsula_resource",
        3,
        "html",
        clues=("_incapsula_resource",),
    ),
    _signal(
        "incapsula-header",
        "challenge",
        r"^x-iinfo:|^x-cdn: *(?:imperva|incapsula)",
        1,
        "header",
        clues=("x-iinfo", "x-cdn"),
    ),
    # Akamai's "Access Denied" carries a reference number of a fixed shape.
    _signal(
        "access-denied-title",
        "challenge",
        r"^access denied\b",
        1,
        "title",
        clues=("access denied",),
    ),
    _signal(
        "akamai-reference",
        "challenge",
        r"\breference ?#? ?\d{1,3}\.[0-9a-f]{4,}\.\d{6,}\.[0-9a-f]{4,}\b",
        2,
        "text",
        clues=("reference",),
    ),
    _signal(
        "akamai-header", "challenge", r"^server: *akamaighost", 1, "header", clues=("akamaighost",)
    ),
    # DataDome and PerimeterX (HUMAN) serve their captchas from their own hosts.
    _signal(
        "datadome-captcha",
        "challenge",
        r"captcha-delivery\.com|\bdatadome\b.{0,100}captcha",
        3,
        "html",
        clues=("captcha-delivery.com", "datadome"),
    ),
    _signal(
        "datadome-header",
        "challenge",
        r"^x-datadome:|^set-cookie: *datadome=",
        1,
        "header",
        clues=("datadome",),
    ),
    _signal(
        "perimeterx-captcha",
        "challenge",
        r"\bpx-captcha\b|_pxcaptcha|captcha\.px-cdn\.net|client\.px-cloud\.net",
        3,
        "html",
        clues=("px-captcha", "_pxcaptcha", "px-cdn.net", "px-cloud.net"),
    ),
    # --- soft-404: the page's own words that nothing is there ----------------------------------
    # Titles and headings are short: no clues needed.
    # A "404" standing alone in the title or main heading ("Error 404", "404 - Oops").
    _signal("title-404", "soft-404", _FOUR_OH_FOUR, 1, "title"),
    _signal("heading-404", "soft-404", _FOUR_OH_FOUR, 1, "heading"),
    _signal("title-not-found", "soft-404", _NOT_FOUND, 1, "title"),
    _signal("heading-not-found", "soft-404", _NOT_FOUND, 1, "heading"),
)

_BY_NAME = {signal.name: signal for signal in SIGNALS}


# --- page text ------------------------------------------------------------------------------------

# Tag names are ASCII case-insensitive (re.ASCII: "<ſtyle>" is not "<style>").
_TAG_NAME = re.IGNORECASE | re.ASCII
# <noscript> stays: a client without JavaScript, like us, sees it (challenge pages speak there).
_SKIPPED_BLOCK = re.compile(r"<(script|style|template)\b|<!--", _TAG_NAME)
_BLOCK_CLOSERS = {
    tag: re.compile(rf"</{tag}\b", _TAG_NAME) for tag in ("script", "style", "template")
}
_TAG = re.compile(r"<[^<>]*>")
_H1_OPEN = re.compile(r"<h1\b[^<>]*>", _TAG_NAME)
_H1_CLOSE = re.compile(r"</h1\s*>", _TAG_NAME)
_MAX_HEADINGS = 5
# A first guess of the markup a word of visible text takes (visible_text doubles it as needed).
_CHARS_PER_WORD = 8


def _block_end(markup: str, opener: re.Match[str]) -> int:
    """Where the script, style, template or comment opened by `opener` ends; -1 if it does not."""
    if opener.group() == "<!--":
        end = markup.find("-->", opener.end())
        return end if end == -1 else end + len("-->")
    closer = _BLOCK_CLOSERS[opener.group(1).lower()].search(markup, opener.end())
    end = markup.find(">", closer.end()) if closer is not None else -1
    return end if end == -1 else end + 1


def _drop_blocks(markup: str) -> str:
    """`markup` without scripts, styles, templates and comments; linear in its length."""
    parts: list[str] = []
    position = 0
    while (opener := _SKIPPED_BLOCK.search(markup, position)) is not None:
        parts.append(markup[position : opener.start()])
        position = _block_end(markup, opener)
        if position == -1:
            # Unclosed: a browser shows nothing after it either.
            return "".join(parts)
    parts.append(markup[position:])
    return "".join(parts)


def _collapse(text: str, max_words: int | None = None) -> str:
    if max_words is None:
        return " ".join(text.split())
    # maxsplit stops splitting there: the rest of a long page is never cut into words.
    return " ".join(text.split(None, max_words)[:max_words])


def _text_of(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", markup))


def visible_text(html_text: str, max_words: int | None = TEXT_WORDS) -> str:
    """The text a reader sees: no tags, scripts, styles or comments; entities resolved; one line.

    At most `max_words` words (None: all of the first `SCAN_LIMIT` characters of HTML).
    """
    markup = _drop_blocks(html_text[:SCAN_LIMIT])
    if max_words is None:
        return _collapse(_text_of(markup))
    # Some pages show their first words within a few kilobytes: turn the markup into text a
    # piece at a time, each piece twice the last, until there are enough words. Each piece
    # ends where a tag begins, which the whole conversion turns into a space: no word, tag or
    # entity spans two pieces, so the words are the whole page's first words. (Converting a
    # growing prefix again from the start cost tag-dense pages, whose text is spread over the
    # whole page, almost twice the one conversion: 140 -> 100 us a page of 10 KB.)
    words: list[str] = []
    start = 0
    window = max_words * _CHARS_PER_WORD
    while window < len(markup) and (tag := _TAG.search(markup, window)) is not None:
        words += _text_of(markup[start : tag.start()]).split(None, max_words - len(words))
        if len(words) > max_words:
            return " ".join(words[:max_words])
        start = tag.start()
        window = max(2 * window, start + 1)
    words += _text_of(markup[start:]).split(None, max_words - len(words))
    return " ".join(words[:max_words])


def _headings(html_text: str) -> str:
    found: list[str] = []
    position = 0
    limited = html_text[:SCAN_LIMIT]
    while len(found) < _MAX_HEADINGS and (opener := _H1_OPEN.search(limited, position)):
        closer = _H1_CLOSE.search(limited, opener.end())
        end = closer.start() if closer else len(limited)
        found.append(visible_text(limited[opener.end() : end]))
        position = closer.end() if closer else len(limited)
    return "\n".join(found)


def _header_lines(headers: Iterable[tuple[str, str]]) -> str:
    # Collapsing keeps a value with a line break from forging a header line of its own.
    return "\n".join(f"{_collapse(name)}: {_collapse(value)}" for name, value in headers)


def _matching(kind: Kind, subjects: Mapping[Where, str]) -> list[str]:
    lowered = {where: subject.lower() for where, subject in subjects.items()}
    # Several signals share clues and gates; each is looked for once per subject.
    clues: dict[tuple[str, Where], bool] = {}
    gates: dict[tuple[int, Where], bool] = {}

    def has(where: Where, clue: str) -> bool:
        if (clue, where) not in clues:
            clues[clue, where] = clue in lowered[where]
        return clues[clue, where]

    def opened(signal: Signal) -> bool:
        if not signal.clued(functools.partial(has, signal.where)):
            return False
        if signal.gate is None:
            return True
        key = (id(signal.gate), signal.where)
        if key not in gates:
            gates[key] = signal.gate.search(lowered[signal.where]) is not None
        return gates[key]

    return [
        signal.name
        for signal in SIGNALS
        if signal.kind == kind
        and signal.where in lowered
        and opened(signal)
        and signal.pattern.search(lowered[signal.where]) is not None
    ]


def score(names: Iterable[str]) -> float:
    """The summed weight of the named signals."""
    return sum(_BY_NAME[name].weight for name in names)


# --- the questions ----------------------------------------------------------------------------


def _parked(html_text: str, title: str | None, final_url: str | None) -> tuple[str, ...]:
    title = _collapse(title or "")
    subjects: dict[Where, str] = {
        "title": title,
        "text": f"{title} {visible_text(html_text)}",
        "html": html_text[:SCAN_LIMIT],
        "url": (final_url or "").strip(),
    }
    return tuple(_matching("parked", subjects))


def parked_signals(html_text: str, title: str | None, final_url: str | None) -> list[str]:
    """Names of the parking / for-sale / expired / registrar-holding signals the page shows."""
    return list(_parked(html_text, title, final_url))


def is_parked(html_text: str, title: str | None, final_url: str | None) -> bool:
    """True when the page's parking signals weigh at least `PARKED_THRESHOLD`."""
    return parked_enough(_parked(html_text, title, final_url))


def parked_enough(names: Iterable[str]) -> bool:
    """Whether these parking signals (from `parked_signals`) make a parked page."""
    return score(names) >= PARKED_THRESHOLD


def _challenge(
    html_text: str, title: str | None, status: int, headers: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    title = _collapse(title or "")
    subjects: dict[Where, str] = {
        "title": title,
        "text": f"{title} {visible_text(html_text)}",
        "html": html_text[:SCAN_LIMIT],
        "header": _header_lines(headers),
    }
    found = _matching("challenge", subjects)
    if status in CHALLENGE_STATUSES:
        return tuple(found)
    strong_header = any(
        _BY_NAME[name].where == "header" and _BY_NAME[name].weight >= STRONG_HEADER_WEIGHT
        for name in found
    )
    return tuple(found) if strong_header else ()


def challenge_signals(
    html_text: str, title: str | None, status: int, headers: Mapping[str, str]
) -> list[str]:
    """Names of the bot-challenge signals that count for this response.

    Empty unless the status is one challenges are served with (403, 429, 503), or the headers carry
    a strong signal (the CDN saying it challenged us) whatever the status.
    """
    return list(_challenge(html_text, title, status, tuple(headers.items())))


def is_challenge(
    html_text: str, title: str | None, status: int, headers: Mapping[str, str]
) -> bool:
    """True when the counted challenge signals weigh at least `CHALLENGE_THRESHOLD`."""
    names = _challenge(html_text, title, status, tuple(headers.items()))
    return score(names) >= CHALLENGE_THRESHOLD


def soft_404_signals(title: str | None, html_text: str) -> list[str]:
    """Names of the page's own "not found" signals, in its title or its <h1> headings."""
    subjects: dict[Where, str] = {
        "title": _collapse(title or ""),
        "heading": _headings(html_text),
    }
    return _matching("soft-404", subjects)


# --- same page ------------------------------------------------------------------------------------

# Words that differ between two answers of the same page: numbers, dates, times, the requested
# path echoed back, session ids and other random tokens all contain a digit or a slash, or are
# longer than any word.
_UNSTABLE_WORD = re.compile(r"[\d/\\]|^\S{31,}$")


def _words(html_text: str) -> list[str]:
    words = visible_text(html_text, max_words=None).lower().split()
    stable = [word for word in words if _UNSTABLE_WORD.search(word) is None]
    return stable[:SAME_PAGE_MAX_WORDS]


def same_page(a: str, b: str) -> bool:
    """Whether two HTML pages show near-identical text (≥ 90 % of words in the same order).

    For telling a site that answers every path with its home page from one with a real 404 page.
    Both blank counts as the same page.
    """
    words_a, words_b = _words(a), _words(b)
    if not words_a and not words_b:
        return True
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    # The cheap upper bounds first: most different pages are rejected without the full diff.
    return (
        matcher.real_quick_ratio() >= SAME_PAGE_RATIO
        and matcher.quick_ratio() >= SAME_PAGE_RATIO
        and matcher.ratio() >= SAME_PAGE_RATIO
    )
