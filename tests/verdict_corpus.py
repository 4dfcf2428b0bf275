"""A labelled corpus of real-world page shapes, for the verdict tests and the corpus benchmark.

Every page is written here from what the kind of page is known to look like -- the wording of
parking services, hosting panels, server packages, website builders, CDNs, soft-404 themes and
taken-over domains, and living organisations' pages in many languages and encodings -- not
copied from anyone's page. Each case carries its label (what a careful reader would call it),
the bytes and headers a server would send, and, for identity, the name the directory gives.

`judge_case` runs a case through the crawler's own pieces exactly as the spider does (decode,
title, signal reading, soft-404 probe, classification, identity) and names the class it lands
in; `tests/test_corpus.py` holds the crawler to the labels, `benchmarks/verdicts_corpus.py`
prints per-class precision and recall.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crawler.verdict import identity
from crawler.verdict.classify import Page, classify_page, read, wants_soft404_probe
from crawler.verdict.outcome import Identity, Status
from crawler.verdict.title import decode_html, title_from_text

#: The classes, in report order.
LABELS = (
    "live", "parked", "placeholder", "suspended", "server-default", "challenge", "soft-404",
    "takeover", "script-moved",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    label: str  # one of LABELS
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    url: str = "https://www.example-org.org/"
    final_url: str | None = None  # where redirects ended, if elsewhere
    org: str = "Example Organisation"  # the name the directory lists
    org_en: str | None = None
    # What a surely-missing path of the same host answers (soft-404 probing): same body or not.
    probe_same: bool = False
    probe_status: int = 404
    known_miss: str = ""  # why the crawler is known to get this one wrong (kept, and counted)


def html(title: str, body: str, lang: str = "en", head: str = "", charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title>{head}'
        f"</head>\n<body>{body}</body></html>\n"
    )


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


NAV = "<nav><a href='/'>{0}</a> <a href='/about/'>{1}</a> <a href='/news/'>{2}</a> <a href='/contact/'>{3}</a></nav>"
FILLER_EN = (
    "<p>Members meet on the first Thursday of every month in the community hall. Everyone is welcome, "
    "and there is tea and a crèche. Read the minutes of past meetings, the rules and the accounts in the "
    "documents section, or write to the secretary with your questions.</p>"
)


def live_en(org: str, lead: str, extra: str = "") -> bytes:
    return utf8(html(f"{org} | Home", NAV.format("Home", "About us", "News", "Contact")
                     + f"<main><h1>{org}</h1><p>{lead}</p>{extra}{FILLER_EN * 3}</main>"
                     + f"<footer>© 2026 {org}</footer>"))


def live_local(org: str, title: str, body: str, lang: str, encoding: str) -> tuple[bytes, str]:
    """A living page in its own language and legacy encoding, declared in the header."""
    page = html(title, body, lang=lang, charset=encoding)
    return page.encode(encoding), f"text/html; charset={encoding}"


def _local(name: str, org: str, title: str, body: str, lang: str, encoding: str, org_en: str | None = None) -> Case:
    data, content_type = live_local(org, title, body, lang, encoding)
    return Case(name, "live", data, content_type=content_type, org=org, org_en=org_en)


LIVE: tuple[Case, ...] = (
    Case("en-party", "live", live_en("Socialist Party", "Join the campaign for a £15 minimum wage."),
         org="Socialist Party of England and Wales", org_en="Socialist Party"),
    Case("en-union-abbrev", "live", utf8(html("RMT – Home", "<h1>Welcome</h1><p>Transport workers organising.</p>"
                                              + FILLER_EN)), org="National Union of Rail, Maritime and Transport Workers"),
    _local("de-verein", "Kleingartenverein Sonnenschein e. V.", "Kleingartenverein Sonnenschein - Startseite",
           "<h1>Willkommen beim Kleingartenverein Sonnenschein</h1><p>Neuigkeiten, Termine und freie Parzellen. "
           "Die Mitgliederversammlung findet im März im Vereinsheim statt.</p>", "de", "iso-8859-1"),
    _local("fr-association", "Association des Locataires de Belleville", "Accueil — Locataires de Belleville",
           "<h1>Association des Locataires de Belleville</h1><p>Permanences le mardi, réunions mensuelles, "
           "défense des droits des locataires face aux hausses de loyer.</p>", "fr", "windows-1252"),
    _local("es-sindicato", "Sindicato de Inquilinas de Madrid", "Inicio | Sindicato de Inquilinas de Madrid",
           "<h1>Sindicato de Inquilinas de Madrid</h1><p>Asambleas abiertas cada semana. Próximamente: nueva "
           "guía sobre fianzas y reparaciones.</p>", "es", "iso-8859-15"),
    _local("pt-associacao", "Associação de Moradores do Bairro Alto", "Associação de Moradores do Bairro Alto",
           "<p>Notícias, assembleias e como participar. A sede está aberta às quartas-feiras.</p>", "pt", "utf-8"),
    _local("it-circolo", "Circolo Culturale Gramsci", "Circolo Culturale Gramsci - Home",
           "<h1>Benvenuti</h1><p>Incontri, biblioteca popolare e corsi di italiano per stranieri.</p>", "it", "utf-8"),
    _local("nl-vereniging", "Huurdersvereniging Oost", "Huurdersvereniging Oost | Welkom",
           "<h1>Huurdersvereniging Oost</h1><p>Samen sterk voor betaalbare huur en goed onderhoud.</p>", "nl", "utf-8"),
    _local("pl-zwiazek", "Związek Wędkarzy Polskich", "Związek Wędkarzy Polskich - Strona główna",
           "<h1>Aktualności</h1><p>Zawody, zarybienia i składki członkowskie.</p>", "pl", "iso-8859-2",
           org_en="Polish Anglers Association"),
    _local("cs-spolek", "Spolek přátel Žižkova", "Spolek přátel Žižkova – úvod",
           "<h1>Spolek přátel Žižkova</h1><p>Akce, procházky a historie čtvrti.</p>", "cs", "windows-1250"),
    _local("sv-forening", "Hyresgästföreningen Söder", "Hyresgästföreningen Söder – Start",
           "<h1>Välkommen</h1><p>Möten varje månad i föreningslokalen.</p>", "sv", "utf-8"),
    _local("tr-dernek", "Kadıköy Kültür Derneği", "Kadıköy Kültür Derneği | Ana Sayfa",
           "<h1>Kadıköy Kültür Derneği</h1><p>Etkinlikler, kurslar ve üyelik.</p>", "tr", "windows-1254"),
    _local("ru-party", "Коммунистическая партия Российской Федерации", "КПРФ — официальный сайт",
           "<h1>Новости</h1><p>Заявления, события и документы партии.</p>", "ru", "windows-1251"),
    _local("uk-spilka", "Спілка орендарів Києва", "Спілка орендарів Києва - головна",
           "<h1>Спілка орендарів Києва</h1><p>Новини та зустрічі.</p>", "uk", "koi8-u"),
    _local("el-enosi", "Ένωση Εργαζομένων Λιμανιού", "ΕΝΩΣΗ ΕΡΓΑΖΟΜΕΝΩΝ ΛΙΜΑΝΙΟΥ",
           "<h1>Αρχική</h1><p>Νέα, εκδηλώσεις και πώς να γίνετε μέλος.</p>", "el", "iso-8859-7"),
    _local("he-igud", "איגוד הדיירים", "דף הבית | איגוד הדיירים",
           "<h1>איגוד הדיירים</h1><p>חדשות, אירועים ואיך להצטרף.</p>", "he", "windows-1255"),
    _local("ar-jamiya", "جمعية السكان", "جمعية السكان - الصفحة الرئيسية",
           "<h1>جمعية السكان</h1><p>أخبار وفعاليات وكيفية الانضمام.</p>", "ar", "windows-1256"),
    _local("fa-anjoman", "انجمن مستاجران", "انجمن مستاجران | خانه",
           "<h1>انجمن مستاجران</h1><p>اخبار و رویدادها.</p>", "fa", "utf-8"),
    _local("hi-sangh", "किसान संघ", "किसान संघ - मुख्य पृष्ठ",
           "<h1>किसान संघ</h1><p>समाचार और बैठकें।</p>", "hi", "utf-8"),
    _local("zh-luntan", "人民论坛", "人民论坛 首页", "<h1>新闻</h1><p>论坛动态与活动安排。</p>", "zh", "gb18030"),
    _local("zh-tw", "台北租屋者聯盟", "台北租屋者聯盟 | 首頁", "<h1>最新消息</h1><p>會員大會與活動。</p>", "zh-TW", "big5"),
    _local("ja-kai", "市民の会", "市民の会 公式サイト", "<h1>お知らせ</h1><p>定例会のご案内。</p>", "ja", "shift_jis"),
    _local("ja-eucjp", "労働者協同組合", "労働者協同組合 | トップ", "<h1>ニュース</h1><p>総会のお知らせ。</p>", "ja", "euc_jp"),
    _local("ko-hyeophoe", "세입자 협회", "세입자 협회 - 홈", "<h1>공지사항</h1><p>정기 모임 안내.</p>", "ko", "euc_kr"),
    _local("th-samakhom", "สมาคมผู้เช่า", "สมาคมผู้เช่า - หน้าแรก", "<h1>ข่าวสาร</h1><p>การประชุมประจำเดือน</p>", "th", "cp874"),
    _local("vi-hoi", "Hội Người Thuê Nhà", "Hội Người Thuê Nhà – Trang chủ",
           "<h1>Tin tức</h1><p>Họp định kỳ hằng tháng.</p>", "vi", "utf-8"),
    # Look-alikes: living pages saying the stand-ins' and takeovers' words.
    Case("look-news-suspended", "live", live_en(
        "Riverside Tenants Association", "Our Twitter account has been suspended; contact us by email.",
        "<p>New members' handbook coming soon.</p><p>It works! said a member of the repair checklist.</p>"), org="Riverside Tenants Association"),
    Case("look-shop-sale", "live", utf8(html("Summer Sale – Bikes &amp; More", "<h1>Summer SALE</h1><p>This bike is "
                                             "for sale at half price. Make an offer on our used bikes!</p>" + FILLER_EN)),
         org="Bikes and More Cooperative"),
    Case("look-building-coop", "live", live_en(
        "Green Homes Building Co-operative", "Our second block is under construction; new homes coming soon."), org="Green Homes Building Co-operative"),
    Case("look-hosting-coop", "live", live_en(
        "Community Web Hosting Co-op", "We are a hosting provider owned by its members. A site suspended for "
        "unpaid fees? Contact your hosting provider: us."), org="Community Web Hosting Co-op"),
    Case("look-gambling-charity", "live", live_en(
        "Betting Harm Support Network", "Online casino adverts, free spins and sports betting apps hurt families."),
         org="Betting Harm Support Network"),
    # The directory lists it under another name: its page does not confirm it, and its words are
    # those of a casino's page; that it helps against the harm is counter-evidence.
    Case("look-gambling-charity-other-name", "live", live_en(
        "Betting Harm Support Network", "Online casino adverts, free spins and sports betting apps hurt families; "
        "our support groups and helpline help people harmed by gambling."), org="GamHelp Trust"),
    Case("look-pharmacists-other-name", "live", live_en(
        "PDA Union", "Online pharmacy rules and prescription fraud: a guide for pharmacists."),
         org="Pharmacists' Defence Association"),
    Case("look-pharmacists-union", "live", live_en(
        "Pharmacists' Defence Association", "Online pharmacy rules and prescription fraud: our members' guide."), org="Pharmacists' Defence Association"),
    Case("look-credit-union", "live", live_en(
        "Eastside Credit Union", "Fair loans online for members, no payday loans, no credit check traps."), org="Eastside Credit Union"),
    Case("look-sysadmin-notes", "live", live_en(
        "Volunteer Sysadmins Network", "After installing nginx the welcome page says the nginx web server is "
        "successfully installed; replace it before going live."), org="Volunteer Sysadmins Network"),
    Case("look-one-page-thin", "live", utf8(html("Millbrook Choir", "<h1>Millbrook Choir</h1><p>Rehearsals on "
                                                 "Wednesdays at 7pm in St Mary's hall. New singers welcome.</p>")),
         org="Millbrook Choir"),
    Case("look-congress", "live", live_en(
        "Workers' Party", "The XXX Congress opens on Friday; a police escort will accompany the march."), org="Workers' Party"),
    Case("look-spa-shell", "live", utf8(html("Harbour Rowing Club", "<div id='app'></div><script src='/app.js'>"
                                             "</script><noscript>Enable JavaScript to see our sessions.</noscript>")),
         org="Harbour Rowing Club"),
)

PARKED: tuple[Case, ...] = (
    Case("sedo-ppc", "parked", utf8(html("example-org.org - This domain may be for sale!", "<h1>example-org.org</h1>"
         "<p>This domain may be for sale!</p><h2>Related Searches</h2><ul><li>Loans</li><li>Online Casino</li></ul>"
         "<p>The Sponsored Listings displayed above are served automatically by a third party. Neither the service "
         "provider nor the domain owner maintain any relationship with the advertisers.</p>"))),
    Case("bodis-like", "parked", utf8(html("example-org.org", "<div class='ads'>Related Links: Cheap Flights | Car "
         "Insurance | Payday Loans</div><script src='//cdn.bodis.com/js/parking.js'></script>"))),
    Case("parkingcrew-like", "parked", utf8(html("example-org.org", "<div id='target'></div>"
         "<script src='//www.parkingcrew.net/static/js/parking.js'></script>"))),
    Case("dan-like", "parked", utf8(html("example-org.org is for sale", "<h1>The domain name example-org.org is for "
         "sale</h1><p>Make an offer or buy it now. Secure checkout.</p>"))),
    Case("afternic-lander", "parked", utf8("<html><head><script>window.onload=function(){window.location.href=\"/lander\"}"
                                            "</script></head><body></body></html>")),
    Case("hugedomains-redirect", "parked", utf8(html("Premium domain", "<p>Get it today.</p>")),
         final_url="https://www.hugedomains.com/domain_profile.cfm?d=example-org.org"),
    Case("namecheap-parking", "parked", utf8(html("example-org.org - Registered at Namecheap.com", "<p>This domain is "
         "registered at Namecheap. This domain was recently registered at Namecheap. Please check back later!</p>"))),
    Case("godaddy-parked-free", "parked", utf8(html("example-org.org", "<p>This Web page is parked FREE, courtesy of "
         "GoDaddy.com.</p><p>Related Links</p>"))),
    Case("expired-registrar", "parked", utf8(html("example-org.org", "<h1>This domain has expired</h1><p>If you are "
         "the owner of example-org.org, renew it now to restore your website and email.</p>"))),
    Case("above-like", "parked", utf8(html("example-org.org", "<p>This domain is registered, but may still be "
         "available. Get this domain.</p>"))),
    Case("broker-inquire", "parked", utf8(html("example-org.org", "<h1>Interested in this domain?</h1><p>Inquire about "
         "this domain: our brokers answer within a day.</p>"))),
    Case("sedo-footer-only", "parked", utf8(html("example-org.org", "<p>Related Searches</p><p>This webpage was "
         "generated by the domain owner using Sedo Domain Parking.</p>"))),
    Case("de-zu-verkaufen", "parked", utf8(html("example-org.de", "<h1>Diese Domain steht zum Verkauf</h1><p>Jetzt "
         "Angebot abgeben.</p>", lang="de"))),
    Case("fr-a-vendre", "parked", utf8(html("example-org.fr", "<h1>Ce nom de domaine est à vendre</h1>", lang="fr"))),
    Case("zh-chushou", "parked", html("example-org.cn", "<h1>此域名出售</h1><p>联系邮箱</p>", lang="zh",
                                      charset="gb18030").encode("gb18030"),
         content_type="text/html; charset=gb18030"),
    Case("ru-prodaetsya", "parked", html("example-org.ru", "<h1>Этот домен продаётся</h1>", lang="ru",
                                         charset="windows-1251").encode("windows-1251"),
         content_type="text/html; charset=windows-1251"),
    Case("brandable-marketplace", "parked", utf8(html("Example Org - Premium Brandable Domain", "<h1>Own this premium "
         "domain</h1><p>Lease to own available. Logo included.</p>")),
         known_miss="a marketplace lander with no for-sale sentence or broker host"),
)

PLACEHOLDERS: tuple[Case, ...] = (
    Case("wix-not-connected", "placeholder", utf8(html("Coming Soon", "<h1>Looks like this domain isn't connected to "
         "a website yet!</h1><p>If you're the site owner, log in to your Wix dashboard.</p>"))),
    Case("godaddy-future-home", "placeholder", utf8(html("Coming soon", "<h1>Future home of something quite cool.</h1>"
         "<p>If you're the site owner, log in to launch this site.</p>"))),
    Case("ionos-hier-entsteht", "placeholder", utf8(html("Baustelle", "<h1>Hier entsteht eine neue Internetpräsenz"
         "</h1><p>Diese Domain wurde soeben registriert.</p>", lang="de"))),
    Case("squarespace-expired", "placeholder", utf8(html("Website Expired", "<p>This website has expired. If you are "
         "the owner, log in to renew.</p>"))),
    Case("shopify-closed", "placeholder", utf8(html("Store unavailable", "<p>Sorry, this shop is currently "
         "unavailable.</p>"))),
    Case("shopify-opening", "placeholder", utf8(html("Opening soon", "<h1>Opening soon</h1><p>This store will be "
         "powered by Shopify.</p>"))),
    Case("wp-coming-soon", "placeholder", utf8(html("Coming Soon", "<h1>Coming Soon</h1><p>We are working on "
         "something awesome. Stay tuned!</p>"))),
    Case("es-en-construccion", "placeholder", utf8(html("En construcción", "<h1>Sitio en construcción</h1><p>Vuelve "
         "pronto.</p>", lang="es"))),
    Case("fr-bientot", "placeholder", utf8(html("Bientôt disponible", "<h1>Bientôt disponible</h1><p>Notre site "
         "arrive.</p>", lang="fr"))),
    Case("zh-jianshe", "placeholder", utf8(html("网站建设中", "<h1>网站建设中</h1><p>敬请期待</p>", lang="zh"))),
    Case("weebly-unpublished", "placeholder", utf8(html("Site not published", "<p>This site has not been published "
         "yet. Check back soon.</p>"))),
    Case("builder-default-template", "placeholder", utf8(html("My Site", "<h1>My Site</h1><p>This is my site. Edit "
         "this text to tell visitors about yourself.</p>")),
         known_miss="a builder's untouched template sentence (too varied to list)"),
)

SUSPENDED: tuple[Case, ...] = (
    Case("cpanel", "suspended", utf8(html("Account Suspended", "<h1>This Account has been suspended.</h1><p>Contact "
         "your hosting provider for more information.</p>")),
         final_url="https://www.example-org.org/cgi-sys/suspendedpage.cgi"),
    Case("cpanel-403", "suspended", utf8(html("Account Suspended", "<h1>Account Suspended</h1>")), status=403),
    Case("directadmin-like", "suspended", utf8(html("Suspended", "<p>This site has been suspended. Please contact the "
         "hosting company.</p>")), final_url="https://www.example-org.org/suspended.html"),
    Case("host-own", "suspended", utf8(html("Website suspended", "<h2>This website is temporarily suspended</h2>"))),
    Case("plesk-like", "suspended", utf8(html("Domain suspended", "<p>The domain has been suspended. Contact your "
         "service provider.</p>")), status=503),
    Case("de-gesperrt", "suspended", utf8(html("Webseite gesperrt", "<p>Diese Website wurde gesperrt.</p>", lang="de"))),
    Case("es-suspendida", "suspended", utf8(html("Cuenta suspendida", "<p>Esta cuenta ha sido suspendida.</p>",
                                                 lang="es"))),
    Case("ru-zablokirovan", "suspended", utf8(html("Сайт заблокирован", "<p>Аккаунт заблокирован за неуплату.</p>",
                                                   lang="ru"))),
)

SERVER_DEFAULT: tuple[Case, ...] = (
    Case("apache-classic", "server-default", b"<html><body><h1>It works!</h1></body></html>\n"),
    Case("apache-24", "server-default", utf8(html("It works! Apache httpd", "<p>It works!</p>"))),
    Case("ubuntu-apache", "server-default", utf8(html("Apache2 Ubuntu Default Page: It works", "<p>This is the default "
         "welcome page used to test the correct operation of the Apache2 server after installation on Ubuntu "
         "systems.</p>" + "<p>Configuration layout, document roots and modules are explained below.</p>" * 40))),
    Case("debian-apache", "server-default", utf8(html("Apache2 Debian Default Page: It works", "<p>This is the default "
         "welcome page used to test the correct operation of the Apache2 server after installation on Debian "
         "systems.</p>"))),
    Case("centos-apache", "server-default", utf8(html("Apache HTTP Server Test Page powered by CentOS",
         "<h1>Testing 123..</h1><p>This page is used to test the proper operation of the Apache HTTP server after it "
         "has been installed.</p>")), status=403),
    Case("rocky", "server-default", utf8(html("HTTP Server Test Page powered by: Rocky Linux", "<p>This page is used "
         "to test the proper operation of an HTTP server after it has been installed on a Rocky Linux system.</p>")),
         status=403),
    Case("fedora-nginx", "server-default", utf8(html("Test Page for the Nginx HTTP Server on Fedora",
         "<h1>Welcome to <strong>nginx</strong> on Fedora!</h1>"))),
    Case("nginx", "server-default", utf8(html("Welcome to nginx!", "<h1>Welcome to nginx!</h1><p>If you see this page, "
         "the nginx web server is successfully installed and working.</p>"))),
    Case("iis10", "server-default", utf8(html("IIS Windows Server", "<img src='iisstart.png' alt='IIS'>"))),
    Case("iis85", "server-default", utf8(html("IIS Windows Server", "<img src='iis-85.png' alt='IIS'>"))),
    Case("iis7", "server-default", utf8(html("IIS7", "<img src='welcome.png' alt='IIS7'>"))),
    Case("openlitespeed", "server-default", utf8(html("Welcome to OpenLiteSpeed", "<h1>Congratulations!</h1><p>You have "
         "successfully installed the OpenLiteSpeed Web Server!</p>"))),
    Case("caddy", "server-default", utf8(html("Caddy works!", "<h1>Congratulations!</h1><p>Your web server is working."
         "</p>"))),
    Case("tomcat", "server-default", utf8(html("Apache Tomcat/10.1.16", "<h2>If you're seeing this, you've "
         "successfully installed Tomcat. Congratulations!</h2>"))),
    Case("cpanel-default", "server-default", utf8(html("Default Web Site Page", "<p>The web server software is running "
         "but no content has been added, yet.</p>"))),
    Case("plesk-default", "server-default", utf8(html("Domain Default page", "<p>This page was generated by Plesk, the "
         "leading hosting automation software.</p>"))),
    Case("lighttpd", "server-default", utf8(html("Placeholder page", "<h1>Placeholder page</h1><p>The owner of this web "
         "site has not put up any web pages yet. Please come back later.</p>"))),
    Case("index-of-root", "server-default", utf8(html("Index of /", "<h1>Index of /</h1><table><tr><th>Name</th>"
         "<th>Last modified</th></tr><tr><td><a href='/'>Parent Directory</a></td></tr></table>")),
         known_miss="an empty directory listing: left to people (a listing may be the organisation's archive)"),
)

CHALLENGES: tuple[Case, ...] = (
    Case("cloudflare-js", "challenge", utf8(html("Just a moment...", "<p>Checking if the site connection is secure</p>"
         "<script>window._cf_chl_opt={cvId:'3'}</script>")), status=403, headers={"server": "cloudflare"}),
    Case("cloudflare-header-200", "challenge", b"<html><body>One moment</body></html>",
         headers={"cf-mitigated": "challenge"}),
    Case("ddos-guard", "challenge", utf8(html("DDoS-Guard", "<p>Checking your browser before accessing the site.</p>"
         "<p>DDoS protection by DDoS-Guard</p>")), status=503),
    Case("sucuri", "challenge", utf8(html("Sucuri WebSite Firewall - Access Denied", "<h2>Access Denied - Sucuri "
         "Website Firewall</h2>")), status=403, headers={"x-sucuri-id": "11005"}),
    Case("imperva", "challenge", b"<html><body><iframe src='/_Incapsula_Resource?SWUDNSAI=9'>Incapsula incident ID: "
         b"12-34</iframe></body></html>", status=403),
    Case("datadome", "challenge", utf8(html("example-org.org", "<script src='https://ct.captcha-delivery.com/c.js'>"
         "</script>")), status=403, headers={"x-datadome": "protected"}),
    Case("perimeterx", "challenge", utf8(html("Access to this page has been denied", "<div id='px-captcha'></div>"
         "<p>Press &amp; Hold to confirm you are a human</p>")), status=429),
)

SOFT_404: tuple[Case, ...] = (
    Case("wp-nothing-found", "soft-404", utf8(html("Page not found – Example", "<h1 class='page-title'>Oops! That page "
         "can’t be found.</h1><p>Nothing was found at this location.</p>")), probe_same=True, probe_status=200),
    Case("de-nicht-gefunden", "soft-404", utf8(html("Seite nicht gefunden", "<h1>Seite nicht gefunden</h1>", lang="de")),
         probe_same=True, probe_status=200),
    Case("zh-bucunzai", "soft-404", utf8(html("页面不存在", "<h1>页面不存在</h1>", lang="zh")), probe_same=True,
         probe_status=200),
    Case("error-404-title", "soft-404", utf8(html("Error 404", "<h1>404</h1><p>Sorry.</p>")), probe_same=True,
         probe_status=200),
    # A "not found" page that a missing path answers differently: the listed page is alive.
    Case("real-404-elsewhere", "live", utf8(html("Lost and Found – Charity Shop", "<h1>Lost and Found</h1>"
         "<p>Second-hand books and clothes.</p>")), org="Lost and Found Charity Shop"),
)

TAKEOVERS: tuple[Case, ...] = (
    Case("casino-en", "takeover", utf8(html("Best Online Casino 2026 – Free Spins", "<h1>Top casino sites</h1><p>Claim "
         "free spins and a no deposit bonus. Play slot online and roulette.</p>")), org="Eastside Food Cooperative"),
    Case("slot-gacor-id", "takeover", utf8(html("Slot Gacor Hari Ini – Situs Judi Online Terpercaya", "<h1>Daftar "
         "slot gacor</h1><p>Situs judi slot online terpercaya, maxwin setiap hari. Bandar togel resmi.</p>",
         lang="id")), org="Harbour Workers Union"),
    Case("gambling-zh", "takeover", utf8(html("澳门威尼斯人娱乐城 - 百家乐", "<h1>百家乐</h1><p>真人娱乐 老虎机 体育投注"
         "</p>", lang="zh")), org="Партия труда"),
    Case("slot-th", "takeover", utf8(html("สล็อตเว็บตรง แตกง่าย", "<h1>สล็อต</h1><p>บาคาร่า คาสิโนออนไลน์ แทงบอล</p>",
         lang="th")), org="Tenants Union of Lisbon"),
    Case("pharmacy", "takeover", utf8(html("Buy Cheap Viagra Online – No Prescription", "<p>Order cialis, levitra and "
         "viagra online without a prescription. Online pharmacy, fast delivery.</p>")), org="Millbrook Choir"),
    Case("payday-loans", "takeover", utf8(html("Payday Loans Online – Instant Cash", "<p>Payday loans with no credit "
         "check, instant cash today, bad credit loans approved.</p>")), org="Allotment Society"),
    Case("adult", "takeover", utf8(html("Hot Sex Cams Live", "<p>Live sex cams and hot singles near you. Escort girls "
         "available.</p>")), org="Riverside Youth Club"),
    Case("seo-link-farm", "takeover", utf8(html("Guest Post Services – Buy Backlinks", "<h1>SEO services</h1><p>Buy "
         "backlinks and guest posts from our SEO agency.</p><ul>"
         + "".join(f"<li><a href='https://site{i}.example{i}.com/'>link {i}</a></li>" for i in range(45))
         + "</ul>")), org="Green Valley Co-operative"),
    Case("casino-harm-footer", "takeover", utf8(html("Top 10 Online Casinos – Free Spins Today", "<h1>Best casino "
         "bonuses</h1><p>Claim free spins and a no deposit bonus at the best online casino.</p><footer>18+ Gamble "
         "responsibly. Problem gambling? Call the gambling helpline.</footer>")), org="Allotment Society",
         known_miss="a licensed casino's responsible-gambling footer reads as a charity's harm context"),
    Case("casino-quiet-title", "takeover", utf8(html("Home", "<p>Play online casino games.</p>")),
         org="Eastside Food Cooperative",
         known_miss="a takeover that names nothing but 'Home': no name it gives itself to weigh against"),
)

SCRIPT_MOVED: tuple[Case, ...] = (
    Case("js-href", "script-moved", utf8(html("Redirecting…", "<p>Redirecting…</p>",
         head='<script>window.location.href = "https://new-home-org.net/welcome";</script>'))),
    Case("js-replace", "script-moved", utf8("<html><head><script type='text/javascript'>location.replace("
         "'https:\\/\\/elsewhere.example\\/')</script></head><body></body></html>")),
)

CASES: tuple[Case, ...] = (
    *LIVE, *PARKED, *PLACEHOLDERS, *SUSPENDED, *SERVER_DEFAULT, *CHALLENGES, *SOFT_404, *TAKEOVERS, *SCRIPT_MOVED,
)


def judge_case(case: Case) -> str:
    """The class the crawler's verdict and identity put the case in (a `LABELS` member, or
    "status/reason" for a verdict outside them)."""
    return judged(case)[0]


def judged(case: Case) -> tuple[str, Identity]:
    """The case's class (`judge_case`) and its identity, as a first check (no history) gives them."""
    text = decode_html(case.body, case.content_type)
    final = case.final_url or case.url
    page = Page(case.url, final, case.status, dict(case.headers), (), text, title_from_text(text))
    reading = read(page)
    if wants_soft404_probe(page):
        page = Page(page.listed_url, page.final_url, page.status, page.headers, page.hops, page.text, page.title,
                    case.probe_status, case.probe_same)
    outcome = classify_page(page, reading)
    seen = identity.Seen(outcome.status, page.text, page.title, reading.text, page.final_url)
    names = tuple(n for n in (case.org, case.org_en) if n)
    result = identity.judge(identity.Known(names), seen)
    return _class(outcome.status, str(outcome.reason), result.identity), result.identity


def _class(status: Status, reason: str, judged: Identity) -> str:
    if judged is Identity.LOST:
        return "takeover"
    classes = {
        (Status.OK, "ok"): "live", (Status.PARKED, "parked"): "parked", (Status.PARKED, "placeholder"): "placeholder",
        (Status.DEAD, "suspended"): "suspended", (Status.DEAD, "server-default"): "server-default",
        (Status.BLOCKED, "challenge"): "challenge", (Status.DEAD, "soft-404"): "soft-404",
        (Status.MOVED, "script"): "script-moved",
    }
    if status is Status.REDIRECTED:
        return "live"
    return classes.get((status, reason), f"{status}/{reason}")


__all__ = ["CASES", "LABELS", "Case", "judge_case", "judged"]
