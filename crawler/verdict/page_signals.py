"""The one table of page-text signals: parking and placeholder pages, hosting pages, bot
challenges, soft 404s, takeover signs; and the script-redirect reader beside it. The page's
text, headings and links are read by `crawler.verdict.page_text`.

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

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from crawler.verdict.page_text import (
    SCAN_LIMIT,
    collapse,
    headings,
    visible_text,
)

Kind = Literal[
    "parked",  # parking, for-sale, expired and registrar-holding pages
    "placeholder",  # website-builder and registrar "coming soon" pages: no site built yet
    "suspended",  # hosting panels' "account suspended" pages
    "server-default",  # web servers' stock welcome and test pages
    "challenge",  # CDN and firewall bot checks
    "soft-404",  # "not found" said with a success status
    "takeover",  # what taken-over domains show: gambling, pharmacy, adult, loans, SEO spam
]
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
    # Only on a page a reader sees at most this many words of (None: any page). Hosting and
    # builder placeholders are a few dozen words (THIN_WORDS), and their phrases ("coming soon",
    # "account suspended") turn up in the news of a living page, which is longer; parking
    # landers are a few hundred (LANDER_WORDS), and a long living page need not pay for them.
    max_words: int | None = None

    def clued(self, present: Callable[[str], bool]) -> bool:
        """Whether the pattern is worth trying: it has no clues, or `present` finds one."""
        return not self.clues or any(present(clue) for clue in self.clues)

    def search(self, subject: str) -> bool:
        """Whether the (lower-cased) subject shows this signal."""
        return self.clued(subject.__contains__) and self.pattern.search(subject) is not None


PARKED_THRESHOLD = 3.0
# The same bar for the other kinds of page that stand in for a site.
PLACEHOLDER_THRESHOLD = SUSPENDED_THRESHOLD = SERVER_DEFAULT_THRESHOLD = 3.0
TAKEOVER_THRESHOLD = 3.0
# A page a reader sees at most this many words on is "thin" (`thin_only` signals). The
# placeholders of cPanel, Wix, GoDaddy, Shopify and the registrars are 10-120 words.
THIN_WORDS = 200
# A parking lander, its lists of sponsored links included, shows at most this many words.
LANDER_WORDS = 600
CHALLENGE_THRESHOLD = 2.0
# Statuses a CDN or firewall answers a challenge with; at any other status only a strong header
# (the CDN saying so itself) makes a page a challenge.
CHALLENGE_STATUSES = frozenset({403, 429, 503})
STRONG_HEADER_WEIGHT = 3.0

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
# (The runs of non-word characters stop at a line end and are possessive: a subject of many
# lines -- the headings -- is not re-read from every line start.)
_FOUR_OH_FOUR = (
    r"^[^\w\n]*+(?:error[^\w\n]*+)?404(?!\w|[.,]\d)"
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
    thin_only: bool = False,
    max_words: int | None = None,
) -> Signal:
    """A signal; `thin_only` is `max_words=THIN_WORDS`."""
    # MULTILINE: header signals anchor each header line with ^; every other subject is one line.
    compiled = re.compile(pattern, re.MULTILINE)
    return Signal(name, kind, compiled, weight, where, tuple(clues), gate, THIN_WORDS if thin_only else max_words)


# Website builders and shop systems whose placeholder pages name them, besides the registrars.
_BUILDERS = (
    r"wix(?:\.com)?|squarespace|weebly|shopify|jimdo|webflow|site123|strikingly|carrd|wordpress"
    r"|webnode|tilda|duda|zyro|godaddy website builder|website builder|sitebuilder|site builder"
)
# "coming soon" and its kin, in the languages of the directory's pages.
_SOON = (
    r"coming soon|launching soon|opening soon|under construction|en construction|en construcción"
    r"|em construção|in costruzione|in aufbau|im aufbau|bientôt disponible|bientôt en ligne"
    r"|próximamente|prossimamente|em breve|demnächst online|binnenkort online|wkrótce"
    r"|сайт в разработке|скоро открытие|即将上线|网站建设中|建设中|準備中|工事中"
)
_SOON_CLUES = (
    "soon", "construction", "construcción", "construção", "costruzione", "aufbau", "bientôt",
    "próximamente", "prossimamente", "em breve", "demnächst", "binnenkort", "wkrótce", "разработке",
    "скоро", "即将", "建设中", "準備中", "工事中",
)  # fmt: skip
_SUSPENDED_CLUES = (
    "suspend", "sospes", "gesperrt", "deaktiviert", "заблокирован", "приостановлен",
)  # fmt: skip
_GAMBLING_WORDS = (
    r"casinos?|slots? gacor|slot online|slots online|judi|togel|gacor|maxwin|sportsbook|bookmakers?"
    r"|baccarat|betting|poker online|online poker|free spins|no deposit bonus|roulette"
)
_GAMBLING_CLUES = (
    "casino", "slot", "judi", "togel", "gacor", "maxwin", "sportsbook", "bookmaker", "baccarat",
    "betting", "poker", "free spins", "deposit bonus", "roulette", "gambling",
)  # fmt: skip
_GAMBLING_ASIAN = r"博彩|赌场|娱乐城|百家乐|老虎机|体育投注|真人娱乐|网上赌|สล็อต|บาคาร่า|เว็บพนัน|แทงบอล|คาสิโน"
_DRUGS = (
    r"viagra|cialis|levitra|kamagra|tramadol|xanax|valium|ambien|phentermine|oxycodone|adderall"
    r"|modafinil|propecia"
)
_DRUG_CLUES = (
    "viagra", "cialis", "levitra", "kamagra", "tramadol", "xanax", "valium", "ambien",
    "phentermine", "oxycodone", "adderall", "modafinil", "propecia",
)  # fmt: skip
# Not "xxx" (a party's 30th congress is its XXX Congress) nor a bare "escort" (a march's police escort).
_ADULT_WORDS = (
    r"porn|porno|pornhub|hentai|onlyfans|camgirls?|cam girls?|sex cams?|sex videos?|sex chat"
    r"|escort (?:girls?|services?|agency|agencies)"
)
_ADULT_CLUES = ("porn", "hentai", "onlyfans", "cam", "sex ", "escort")
_LOAN_WORDS = (
    r"payday loans?|cash advances?|bad credit loans?|quick loans?|fast loans?|instant loans?"
    r"|title loans?|loans? online|no credit check|instant cash"
)
_LOAN_CLUES = ("loan", "cash advance", "credit check", "instant cash")


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
    # The words parking services put on every lander, whatever domain it serves and whoever
    # hosts it: the pay-per-click disclaimer of Sedo, ParkingCrew, Bodis and Above ...
    _signal(
        "ppc-disclaimer",
        "parked",
        r"\bneither the service provider nor the domain owner maintains? any relationship with"
        r" the advertisers\b|\bthe sponsored listings displayed above are served automatically"
        r" by a third party\b",
        3,
        "text",
        clues=("neither the service provider", "served automatically by a third party"),
        max_words=LANDER_WORDS,
    ),
    # ... and Sedo's footer.
    _signal(
        "generated-by-domain-owner",
        "parked",
        r"\b(?:web ?page|page|site) (?:was|is) generated by the domain owner using\b",
        3,
        "text",
        clues=("domain owner using",),
        max_words=LANDER_WORDS,
    ),
    # Brokers' landers invite enquiries about the domain itself.
    _signal(
        "inquire-about-domain",
        "parked",
        r"\binquire (?:about|now about|to buy) (?:this|the) domain\b"
        r"|\binterested in (?:this|the|buying this) domain(?: name)?\?"
        r"|\bthis domain (?:name )?is registered,? but may still be available\b",
        3,
        "text",
        clues=("inquire", "interested in", "may still be available"),
        max_words=LANDER_WORDS,
    ),
    _signal(
        "premium-domain",
        "parked",
        r"\b(?:this|the) premium domain\b|\bpremium domain(?: name)? for sale\b",
        1.5,
        "text",
        clues=("premium domain",),
        max_words=LANDER_WORDS,
    ),
    # "This domain is for sale" in the languages parking pages are served in.
    _signal(
        "domain-for-sale-translated",
        "parked",
        r"\bdiese domain (?:steht zum verkauf|ist zu verkaufen|kaufen)\b|\bdomain (?:steht )?zum verkauf\b"
        r"|\bce (?:nom de )?domaine est à vendre\b|\bnom de domaine à vendre\b"
        r"|\beste dominio (?:está|se encuentra) (?:a la venta|en venta)\b|\bdominio en venta\b"
        r"|\beste domínio está à venda\b|\bdomínio à venda\b|\bquesto dominio è in vendita\b"
        r"|\bdominio in vendita\b|\bdit domein is te koop\b|\bdomein te koop\b"
        r"|\bta domena jest na sprzedaż\b|\bdomena na sprzedaż\b"
        r"|домен прода[её]тся|домен на продажу|(?:此|该|這|这个|本)域名(?:正在)?(?:出售|转让|轉讓|待售)"
        r"|域名(?:出售|转让|轉讓)|このドメインは販売中",
        3,
        "text",
        clues=("verkauf", "vend", "venta", "te koop", "sprzeda", "домен", "域名", "ドメイン"),
        max_words=LANDER_WORDS,
    ),
    # --- placeholder: a website builder's or registrar's page where no site was built --------
    # The title of a placeholder is its message; a living site's title is its name.
    _signal(
        "title-coming-soon",
        "placeholder",
        rf"^(?:(?:web ?site|site|page|shop|store|homepage) )?(?:{_SOON})(?!\w)",
        2,
        "title",
        clues=_SOON_CLUES,
        thin_only=True,
    ),
    _signal(
        "text-coming-soon",
        "placeholder",
        rf"(?<!\w)(?:{_SOON})(?!\w)",
        1,
        "text",
        clues=_SOON_CLUES,
        thin_only=True,
    ),
    # "Our website is under construction": the page says it is not the site yet.
    _signal(
        "site-not-built-yet",
        "placeholder",
        r"\b(?:web ?site|site|home ?page|web ?page|online store|store|shop) (?:is |will be )?"
        r"(?:coming soon|launching soon|opening soon|(?:currently )?under construction"
        r"|under development|being built|almost ready)\b",
        2,
        "text",
        clues=("soon", "construction", "development", "being built", "almost ready"),
        thin_only=True,
    ),
    # IONOS, Strato and other German hosts: "a new web presence is being created here".
    _signal(
        "hier-entsteht",
        "placeholder",
        r"\bhier entsteht(?: in kürze| bald| demnächst| gerade)? (?:eine|unsere|die|ein) neue[rs]?"
        r" (?:internetpräsenz|website|webseite|homepage|internetseite|web-?präsenz|internetauftritt)\b",
        3,
        "text",
        clues=("hier entsteht",),
        thin_only=True,
    ),
    # GoDaddy's placeholder for a domain with no site.
    _signal(
        "future-home",
        "placeholder",
        r"\bfuture home of something quite cool\b|\blog ?in to (?:launch|publish|activate) (?:this|your)"
        r" (?:web ?site|site)\b",
        3,
        "text",
        clues=("future home", "to launch", "to publish", "to activate"),
        thin_only=True,
    ),
    # Wix, Squarespace and Shopify when a domain points at them but no site is attached.
    _signal(
        "domain-not-connected",
        "placeholder",
        r"\bdomain (?:is not|isn['’]t|has not been|hasn['’]t been) (?:yet )?(?:connected|linked|pointed)"
        r" to (?:a |any |your )?(?:web ?site|site|store|shop)\b",
        3,
        "text",
        clues=("connected to", "linked to", "pointed to"),
        thin_only=True,
    ),
    _signal(
        "site-not-published",
        "placeholder",
        r"\b(?:web ?site|site) (?:is not|isn['’]t|has not been|hasn['’]t been) (?:yet )?published\b",
        2,
        "text",
        clues=("published",),
        thin_only=True,
    ),
    # A shop system's page for a closed or unopened store.
    _signal(
        "shop-unavailable",
        "placeholder",
        r"\bthis (?:shop|store) is (?:currently )?unavailable\b|\bthis store will be powered by\b",
        3,
        "text",
        clues=("unavailable", "powered by"),
        thin_only=True,
    ),
    # A builder's page for a site whose subscription ended.
    _signal(
        "site-expired",
        "placeholder",
        r"\b(?:web ?site|site) (?:has )?expired\b|\bsubscription (?:for this (?:web ?site|site) )?has expired\b",
        2,
        "text",
        clues=("expired",),
        thin_only=True,
    ),
    _signal(
        "title-site-expired",
        "placeholder",
        r"^(?:web ?site|site) (?:has )?expired\b|^(?:web ?site|site) (?:is )?(?:unavailable|disabled"
        r"|deactivated|not available|not (?:yet )?published|unpublished)\b",
        2,
        "title",
        clues=("expired", "unavailable", "disabled", "deactivated", "not available", "published"),
        thin_only=True,
    ),
    # A builder or registrar named at the top of a thin page: with its "coming soon", its page.
    _signal(
        "builder-named",
        "placeholder",
        rf"\A.{{0,3000}}?\b(?:{_BUILDERS}|{_REGISTRARS})(?!\w)",
        1,
        "text",
        clues=("wix", "squarespace", "weebly", "shopify", "jimdo", "webflow", "site123", "strikingly",
               "carrd", "wordpress", "webnode", "tilda", "duda", "zyro", "builder", "godaddy",
               "namecheap", "ionos", "1&1", "1and1", "hostinger", "strato", "one.com", "bluehost",
               "hostgator", "gandi", "ovh", "porkbun", "dreamhost", "123-reg", "fasthosts"),
        thin_only=True,
    ),
    # The owner is asked to claim or set up the domain.
    _signal(
        "owner-setup-prompt",
        "placeholder",
        r"\bis this your (?:domain|web ?site)\b|\bare you the owner of this (?:domain|web ?site)\b"
        r"|\bif you(?:['’]re| are) the (?:site|domain|web ?site) owner\b",
        1.5,
        "text",
        clues=("your domain", "your website", "your web site", "the owner of this", "owner"),
        thin_only=True,
    ),
    # --- suspended: a hosting panel's page for an account it switched off -----------------------
    # The panel's page names itself (cPanel, Plesk, DirectAdmin and the hosts' own).
    _signal(
        "title-suspended",
        "suspended",
        r"^(?:(?:web ?site|site|account|domain|hosting(?: account)?|page) (?:is |has been )?(?:temporarily )?"
        r"suspended|suspended (?:web ?site|site|account|domain|page))\b"
        r"|^(?:compte|site)(?: web)? suspendu|^(?:cuenta|página) suspendida|^sitio suspendido"
        r"|^(?:conta|página) suspensa|^(?:account|sito) sospeso"
        r"|^(?:konto|account|webseite|website|domain|webspace) (?:wurde )?(?:gesperrt|deaktiviert)"
        r"|^(?:аккаунт|сайт|хостинг) (?:заблокирован|приостановлен)",
        3,
        "title",
        clues=_SUSPENDED_CLUES,
        thin_only=True,
    ),
    _signal(
        "text-suspended",
        "suspended",
        r"\b(?:this|the|your) (?:web ?site|site|account|hosting account|domain|page) (?:has been |is |was )"
        r"(?:temporarily |currently )?suspended\b"
        r"|\b(?:ce|le) (?:compte|site)(?: web)? (?:a été|est) suspendu\b"
        r"|\besta (?:cuenta|página) (?:ha sido|está) suspendida\b|\beste sitio (?:ha sido|está) suspendido\b"
        r"|\besta conta (?:foi|está) suspensa\b|\b(?:questo|il) (?:account|sito) (?:è stato|è) sospeso\b"
        r"|\b(?:dieser|der) (?:account|webspace) (?:wurde|ist) (?:gesperrt|deaktiviert)\b"
        r"|\bdiese (?:website|webseite|domain) (?:wurde|ist) (?:gesperrt|deaktiviert)\b"
        r"|(?:аккаунт|сайт) (?:заблокирован|приостановлен)",
        2,
        "text",
        clues=_SUSPENDED_CLUES,
        thin_only=True,
    ),
    # Every host's suspended page sends the owner to the host.
    _signal(
        "contact-hosting-provider",
        "suspended",
        r"\b(?:contact|reach) (?:your|the) (?:web ?)?(?:hosting|host|service) (?:provider|company)\b"
        r"|\bhosting provider for more information\b",
        1.5,
        "text",
        clues=("provider", "hosting company", "host company"),
        thin_only=True,
    ),
    # cPanel redirects a suspended account's every page to its suspended-page script.
    _signal(
        "cpanel-suspended-url",
        "suspended",
        r"/cgi-sys/suspendedpage\.cgi\b",
        3,
        "url",
        clues=("suspendedpage",),
    ),
    # Other panels and hosts send it to a page of that name.
    _signal(
        "suspended-url",
        "suspended",
        r"/(?:account-?)?suspended(?:page|-page|_page)?(?:\.html?|\.php)?(?:[/?#]|$)|/suspended\.page(?:[/?#]|$)",
        2,
        "url",
        clues=("suspended",),
    ),
    # --- server-default: the page a web server shows before anyone put a site on it ----------
    # Titles first: every stock page has one of these (the classic Apache page has none, but
    # its heading is all it says).
    _signal(
        "title-it-works",
        "server-default",
        r"^it works!?(?: apache(?: httpd)?)?$|^apache2? (?:ubuntu|debian|centos|fedora)? ?default page\b",
        3,
        "title",
        clues=("it works", "default page"),
    ),
    _signal(
        "heading-it-works",
        "server-default",
        r"^it works!?$|^testing 123\W{0,3}$",
        3,
        "heading",
        clues=("it works", "testing 123"),
        thin_only=True,
    ),
    _signal(
        "title-nginx-welcome",
        "server-default",
        r"^welcome to nginx\b",
        3,
        "title",
        clues=("nginx",),
    ),
    _signal(
        "title-iis",
        "server-default",
        r"^(?:iis windows(?: server)?|iis ?(?:[5-9]|10)(?:\.[05])?|(?:microsoft )?internet information services"
        r"(?: [5-9]\.[05]| 10\.0)?)$",
        3,
        "title",
        clues=("iis", "internet information services"),
    ),
    _signal(
        "title-test-page",
        "server-default",
        r"^test page for (?:the )?(?:apache |nginx )?(?:http )?server\b|^(?:apache )?http server test page\b",
        3,
        "title",
        clues=("test page",),
    ),
    _signal(
        "title-hosting-default",
        "server-default",
        r"^(?:default web ?(?:site|server) page|domain default page|default parallels plesk(?: panel)? page"
        r"|web server['’]s default page|caddy works!?|apache tomcat(?:/[0-9.]{1,12})?)$",
        3,
        "title",
        clues=("default", "caddy", "tomcat"),
    ),
    _signal(
        "title-default-page",
        "server-default",
        r"^default (?:index |home |web )?page\b|^(?:placeholder|welcome) page$"
        r"|^(?:welcome to )?(?:open)?litespeed(?: web server)?(?: default page)?!?$",
        2,
        "title",
        clues=("default", "placeholder page", "welcome page", "litespeed"),
    ),
    # The stock pages' own sentences: with the stock title or heading, or each other, they
    # decide; alone they may be a sysadmin's notes quoting them. Read on thin pages only: a long
    # stock page (Ubuntu's) is decided by its title, and the rest of the web pays nothing.
    _signal(
        "text-apache-default",
        "server-default",
        r"\bdefault welcome page used to test the correct operation of the apache2? server\b"
        r"|\bthis page is used to test the proper operation of (?:the )?(?:apache |nginx )?(?:http )?server\b"
        r"|\bapache is functioning normally\b",
        2,
        "text",
        clues=("used to test the", "functioning normally"),
        thin_only=True,
    ),
    _signal(
        "text-nginx-default",
        "server-default",
        r"\bthe nginx web server is successfully installed\b|\bif you see this page, the nginx web server\b",
        2,
        "text",
        clues=("nginx web server",),
        thin_only=True,
    ),
    _signal(
        "text-litespeed-default",
        "server-default",
        r"\b(?:open)?litespeed web server (?:is )?(?:successfully )?installed\b"
        r"|\b(?:successfully )?installed (?:the )?(?:open)?litespeed(?: web server)?\b",
        2,
        "text",
        clues=("litespeed",),
        thin_only=True,
    ),
    _signal(
        "text-no-content-yet",
        "server-default",
        r"\bthe web server software is running but no content has been added\b"
        r"|\bthe owner of this web ?site has not (?:yet )?put up any web ?pages\b"
        r"|\bthis is the default (?:web )?page for this (?:server|domain)\b"
        r"|\bthis page (?:is|was) (?:generated|autogenerated) by (?:parallels )?plesk\b"
        r"|\byou(?:['’]ve| have) successfully installed tomcat\b"
        r"|\bcongratulations!? your web server is working\b",
        2,
        "text",
        clues=("no content has been added", "put up any", "default page for this",
               "default web page for this", "plesk", "installed tomcat", "web server is working"),
        thin_only=True,
    ),
    # IIS's start page is one image and no words.
    _signal(
        "iis-start-image",
        "server-default",
        r"\biisstart\.(?:png|htm)\b|\biis-(?:85|8|10)\.png\b",
        2,
        "html",
        clues=("iisstart", "iis-8", "iis-10"),
        thin_only=True,
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
    # --- takeover: what a dropped domain's new holder puts on it --------------------------------
    # Each is evidence only for a page that does not name the organisation (see
    # `crawler.verdict.identity`): a gambling-harm charity names itself.
    _signal(
        "gambling",
        "takeover",
        rf"\b(?:{_GAMBLING_WORDS})\b|\bonline (?:gambling|betting|casino)\b|\bsports? betting\b"
        r"|\b(?:judi|situs|agen|bandar|daftar) (?:slot|togel|bola|poker|casino|online)\b",
        2,
        "text",
        clues=_GAMBLING_CLUES,
    ),
    _signal("gambling-asian", "takeover", _GAMBLING_ASIAN, 2, "text",
            clues=("博彩", "赌", "娱乐城", "百家乐", "老虎机", "投注", "真人娱乐", "สล็อต", "บาคาร่า",
                   "พนัน", "แทงบอล", "คาสิโน")),
    _signal("title-gambling", "takeover", rf"\b(?:{_GAMBLING_WORDS}|slots?|bet|judi)\b|{_GAMBLING_ASIAN}", 2,
            "title", clues=(*_GAMBLING_CLUES, "bet", "博彩", "赌", "娱乐", "สล็อต", "คาสิโน")),
    _signal(
        "pharmacy",
        "takeover",
        rf"\b(?:{_DRUGS})\b|\bwithout (?:a )?prescription\b|\bonline (?:pharmacy|drugstore)\b|\bed pills\b",
        2,
        "text",
        clues=(*_DRUG_CLUES, "prescription", "pharmacy", "drugstore", "ed pills"),
    ),
    _signal("title-pharmacy", "takeover", rf"\b(?:{_DRUGS})\b|\bonline pharmacy\b", 2, "title",
            clues=(*_DRUG_CLUES, "pharmacy")),
    _signal("adult", "takeover", rf"\b(?:{_ADULT_WORDS})\b|\b(?:hot|horny) (?:girls|milfs?|singles)\b", 2,
            "text", clues=(*_ADULT_CLUES, "hot ", "horny")),
    _signal("title-adult", "takeover", rf"\b(?:{_ADULT_WORDS})\b", 2, "title", clues=_ADULT_CLUES),
    _signal("loans", "takeover", rf"\b(?:{_LOAN_WORDS})\b", 2, "text", clues=_LOAN_CLUES),
    _signal("title-loans", "takeover", rf"\b(?:{_LOAN_WORDS})\b", 2, "title", clues=_LOAN_CLUES),
    # Counter-evidence, subtracted from the signs above (`takeover_score`): a page that speaks of
    # gambling, drugs or debt as a harm to help with is a charity's, not a seller's. (A licensed
    # casino's "problem gambling? get help" footer cancels its signs too: a takeover missed, never
    # a charity lost.)
    _signal(
        "harm-context",
        "takeover",
        r"\b(?:problem|compulsive|gambling|betting) (?:gambling|addiction|harm|harms|disorder)\b"
        r"|\b(?:gambling|betting|debt|drug|addiction) (?:support|help|advice|helpline|recovery|charity|harm)\b"
        r"|\b(?:harm reduction|support groups?|helpline|recovery support|self-exclusion)\b"
        r"|\b(?:hurt|harmed|affected by) (?:by )?(?:gambling|betting|debt|addiction)\b|\bdebt advice\b",
        3,
        "text",
        clues=("gambling", "betting", "addiction", "harm", "support", "helpline", "recovery", "exclusion",
               "hurt", "affected by", "debt"),
    ),
    # Link sellers and spam SEO: weak alone, a takeover's companion.
    _signal(
        "seo-spam",
        "takeover",
        r"\bbacklinks?\b|\bguest posts?\b|\bseo (?:services|agency|company|experts?)\b"
        r"|\bbuy (?:followers|likes|reviews|backlinks)\b|\bessay writing service\b|\bwrite my essay\b"
        r"|\breplica (?:watches|bags|handbags)\b",
        1.5,
        "text",
        clues=("backlink", "guest post", "seo ", "buy ", "essay", "replica"),
    ),
)

_BY_NAME = {signal.name: signal for signal in SIGNALS}
SIGNAL_NAMES = frozenset(_BY_NAME)


# A page's visible text is tested for some 200 clues. One pass of an Aho-Corasick automaton
# finds every clue that occurs, in C, for the cost of a few substring tests (38 against 243 us
# for all the text clues of a benchmark page). The other subjects keep substring tests: the
# title and URL are short, and the markup (32,000 characters) has only a handful of clues,
# each found by a fast memchr-based scan.
def _text_clue_finder() -> ahocorasick.Automaton:
    finder = ahocorasick.Automaton()
    for clue in {clue for signal in SIGNALS if signal.where == "text" for clue in signal.clues}:
        finder.add_word(clue, clue)
    finder.make_automaton()
    return finder


_TEXT_CLUE_FINDER = _text_clue_finder()


def text_clues(subject: str) -> frozenset[str]:
    """The clues of the table's text signals that occur in `subject` (lower-cased already)."""
    return frozenset(clue for _, clue in _TEXT_CLUE_FINDER.iter(subject)) if subject else frozenset()


def _header_lines(headers: Iterable[tuple[str, str]]) -> str:
    # Collapsing keeps a value with a line break from forging a header line of its own.
    return "\n".join(f"{collapse(name)}: {collapse(value)}" for name, value in headers)


def _matching(kinds: frozenset[Kind], subjects: Mapping[Where, str], words: int = 0) -> list[str]:
    """Names of the signals of `kinds` the subjects show (lower-cased already), in table order.
    Signals for pages of at most N words are skipped on a page of `words` words."""
    # Several signals share clues and gates; each is looked for once per subject (the text's
    # clues all at once, when a signal first needs one).
    clues: dict[tuple[str, Where], bool] = {}
    in_text: frozenset[str] | None = None
    gates: dict[tuple[int, Where], bool] = {}

    def has(where: Where, clue: str) -> bool:
        nonlocal in_text
        if where == "text":
            if in_text is None:
                in_text = text_clues(subjects["text"])
            return clue in in_text
        if (clue, where) not in clues:
            clues[clue, where] = clue in subjects[where]
        return clues[clue, where]

    def opened(signal: Signal) -> bool:
        if not signal.clued(functools.partial(has, signal.where)):
            return False
        if signal.gate is None:
            return True
        key = (id(signal.gate), signal.where)
        if key not in gates:
            gates[key] = signal.gate.search(subjects[signal.where]) is not None
        return gates[key]

    return [
        signal.name
        for signal in SIGNALS
        if signal.kind in kinds
        and (signal.max_words is None or words <= signal.max_words)
        and signal.where in subjects
        and opened(signal)
        and signal.pattern.search(subjects[signal.where]) is not None
    ]


def _lowered(subjects: Mapping[Where, str]) -> dict[Where, str]:
    return {where: subject.lower() for where, subject in subjects.items()}


def score(names: Iterable[str]) -> float:
    """The summed weight of the named signals."""
    return sum(_BY_NAME[name].weight for name in names)


# --- the questions ----------------------------------------------------------------------------


_STAND_INS: frozenset[Kind] = frozenset({"parked", "placeholder", "suspended", "server-default"})


@dataclass(frozen=True, slots=True)
class Reading:
    """What the signal table finds on one page: the names of the signals of each kind of page
    that stands in for a site, and what a reader sees of it."""

    parked: tuple[str, ...] = ()
    placeholder: tuple[str, ...] = ()
    suspended: tuple[str, ...] = ()
    server_default: tuple[str, ...] = ()
    text: str = ""  # the visible text, at most TEXT_WORDS words (`visible_text`)
    words: int = 0  # how many words that is

    @property
    def thin(self) -> bool:
        return self.words <= THIN_WORDS


def read_page(html_text: str, title: str | None, final_url: str | None) -> Reading:
    """The stand-in signals (parked, placeholder, suspended, server-default) of one page."""
    title = collapse(title or "")
    text = visible_text(html_text)
    words = text.count(" ") + 1 if text else 0
    thin = words <= THIN_WORDS
    subjects: dict[Where, str] = {
        "title": title,
        "text": f"{title} {text}",
        "html": html_text[:SCAN_LIMIT],
        "url": (final_url or "")[:SCAN_LIMIT].strip(),
    }
    if thin:
        # Only thin-page signals read the headings; finding them costs a pass over the HTML.
        subjects["heading"] = headings(html_text)
    found: dict[Kind, list[str]] = {kind: [] for kind in _STAND_INS}
    for name in _matching(_STAND_INS, _lowered(subjects), words):
        found[_BY_NAME[name].kind].append(name)
    return Reading(
        tuple(found["parked"]), tuple(found["placeholder"]), tuple(found["suspended"]),
        tuple(found["server-default"]), text, words,
    )


def parked_signals(html_text: str, title: str | None, final_url: str | None) -> list[str]:
    """Names of the parking / for-sale / expired / registrar-holding signals the page shows."""
    return list(read_page(html_text, title, final_url).parked)


def is_parked(html_text: str, title: str | None, final_url: str | None) -> bool:
    """True when the page's parking signals weigh at least `PARKED_THRESHOLD`."""
    return parked_enough(read_page(html_text, title, final_url).parked)


def parked_enough(names: Iterable[str]) -> bool:
    """Whether these parking signals (from `parked_signals`) make a parked page."""
    return score(names) >= PARKED_THRESHOLD


#: Takeover-kind signals that count against a takeover (`takeover_score`).
COUNTER_TAKEOVER = frozenset({"harm-context"})


def takeover_score(names: Iterable[str]) -> float:
    """The weight of takeover signs (from `takeover_signals`), less that of counter-evidence."""
    names = list(names)
    return score(n for n in names if n not in COUNTER_TAKEOVER) - score(n for n in names if n in COUNTER_TAKEOVER)


def takeover_signals(text: str, title: str | None) -> list[str]:
    """Names of the takeover signs (gambling, pharmacy, adult, loans, SEO spam) of a page,
    from its visible text (`Reading.text`) and title."""
    title = collapse(title or "")
    return _matching(frozenset({"takeover"}), _lowered({"title": title, "text": f"{title} {text}"}))


def _challenge(
    html_text: str, title: str | None, status: int, headers: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    title = collapse(title or "")
    subjects: dict[Where, str] = {
        "title": title,
        "text": f"{title} {visible_text(html_text)}",
        "html": html_text[:SCAN_LIMIT],
        "header": _header_lines(headers),
    }
    found = _matching(frozenset({"challenge"}), _lowered(subjects))
    if status in CHALLENGE_STATUSES:
        return tuple(found)
    strong_header = any(
        _BY_NAME[name].where == "header" and _BY_NAME[name].weight >= STRONG_HEADER_WEIGHT
        for name in found
    )
    return tuple(found) if strong_header else ()


_STRONG_HEADERS = tuple(
    signal
    for signal in SIGNALS
    if signal.kind == "challenge" and signal.where == "header" and signal.weight >= STRONG_HEADER_WEIGHT
)


def challenge_header(headers: Mapping[str, str]) -> bool:
    """Whether the headers alone say a CDN answered with a challenge (a strong header signal),
    whatever the status: cheap, for the pages that answered 2xx."""
    if not headers:
        return False
    lines = _header_lines(tuple(headers.items())).lower()
    return any(signal.search(lines) for signal in _STRONG_HEADERS)


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
        "title": collapse(title or ""),
        "heading": headings(html_text),
    }
    return _matching(frozenset({"soft-404"}), _lowered(subjects))


# --- script redirects -------------------------------------------------------------------------

# A page whose only job is to send the browser on shows at most this many words ("Redirecting...",
# "click here if you are not redirected").
SCRIPT_ONLY_WORDS = 30
# `location = "URL"`, `location.href = 'URL'`, `location.replace("URL")`, `location.assign('URL')`,
# on `window.`, `document.`, `top.` or `self.`, the URL a string literal. Matched on the original
# case (URLs are case-sensitive), each repeat bounded.
_SCRIPT_REDIRECT = re.compile(
    r"(?:\b(?:window|document|top|self)\.)?(?<![\w$])location(?:\.href)?[ \t]{0,5}"
    r"(?:=(?!=)|\.replace\(|\.assign\()[ \t]{0,5}([\"'])([^\"'<>\s\\]{1,2000}(?:\\/[^\"'<>\s\\]{0,2000}){0,50})\1",
    re.IGNORECASE,
)
# Tag names are ASCII case-insensitive (re.ASCII: "<ſcript>" is not "<script>").
_SCRIPT_OPEN = re.compile(r"<script\b[^<>]{0,500}>", re.IGNORECASE | re.ASCII)
_SCRIPT_CLOSE = re.compile(r"</script\b", re.IGNORECASE | re.ASCII)


def script_redirect_target(html_text: str, words: int) -> str | None:
    """The URL (as written: maybe relative) a page's script sends the browser to, when sending it
    on is the page's only job: at most `SCRIPT_ONLY_WORDS` visible words (`words`) and a
    `location` assignment in one of its scripts. None otherwise."""
    if words > SCRIPT_ONLY_WORDS:
        return None
    head = html_text[:SCAN_LIMIT]
    position = 0
    while (opener := _SCRIPT_OPEN.search(head, position)) is not None:
        closer = _SCRIPT_CLOSE.search(head, opener.end())
        end = closer.start() if closer else len(head)
        found = _SCRIPT_REDIRECT.search(head, opener.end(), end)
        if found is not None:
            return found.group(2).replace("\\/", "/")  # JSON-escaped slashes in a JS string
        position = end
    return None


