"""Home pages as real sites write them, for the simulated web: tag-dense, nested, multilingual.

The first benchmark web served neutral filler (plain words in ``<p>`` tags) that costs a
parser little. Real home pages are mostly markup: nested ``<div>`` wrappers with class
lists, a navigation menu with sub-menus, cards of news with headings and links, inline
``<style>`` and ``<script>`` blocks, SVG icons, a footer of link columns, entities. This
module writes such pages, 2-50 KB (median about 10 KB, set by `web.plan`), in one of nine
languages (English, German, French, Spanish, Portuguese, Italian, Polish, Russian,
Japanese), with a title, a description and an ``<h1>`` naming the organisation.

Half of the live hosts' pages date themselves (`Host.dated`): ``article:modified_time``,
a schema.org JSON-LD graph and ``<time datetime>`` in their news cards, as WordPress
themes and SEO plugins write them; the other half give dates only as words, so a crawler
that looks for a content date has to look elsewhere (this web answers ``/sitemap.xml``
with the same page, which gives none). No page links a feed.

No page shows a parking, challenge or not-found wording, a meta refresh or a script
redirect: every live host's verdict is ``ok``. ``python -m benchmarks.markup_check``
runs the crawler's own title and page-signal code over a sample to show it.

Everything is a pure function of (seed, host): the building blocks are made once per
seed from a seeded `random.Random`, and a host's page is chosen from them by another one
seeded with its index, so every request for a host gets the same bytes. Composing a page
costs some tens of microseconds of the web's CPU; nothing is cached.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from benchmarks.markup_words import LANGUAGES, PLACES, Language

_SLUG_WORDS = (
    "meeting", "housing", "budget", "summer-school", "solidarity", "conference", "statement",
    "campaign", "newsletter", "strike", "hospital", "transport", "youth", "library", "election",
)  # fmt: skip
_CLASSES = (
    "container", "row", "col-md-4", "col-md-6", "col-lg-3", "col-12", "wrapper", "inner", "content-area",
    "section", "section--light", "grid", "grid__item", "flex", "items-center", "justify-between", "mt-4",
    "mb-3", "px-2", "py-5", "text-center", "widget", "card", "card-body", "elementor-column",
    "elementor-widget-wrap", "wp-block-group", "wp-block-columns", "has-background", "is-layout-flow",
)  # fmt: skip
_CSS_PROPERTIES = (
    "display:flex", "display:block", "margin:0 auto", "padding:1rem 1.5rem", "color:#1d2327",
    "background-color:#f6f7f7", "font-size:1.125rem", "line-height:1.6", "font-weight:600",
    "border-radius:4px", "max-width:1200px", "gap:24px", "align-items:center", "text-decoration:none",
    "border-bottom:1px solid #dcdcde", "transition:color .2s ease-in-out", "position:relative",
    "z-index:10", "grid-template-columns:repeat(3,1fr)", "box-shadow:0 2px 8px rgba(0,0,0,.08)",
)  # fmt: skip
_ICON_PATHS = (
    "M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z",
    "M22.46 6c-.77.35-1.6.58-2.46.69.88-.53 1.56-1.37 1.88-2.38-.83.5-1.75.85-2.72 1.05C18.37 4.5 17.26 4 16 4c-2.35 0-4.27 1.92-4.27 4.29 0 .34.04.67.11.98",
    "M20 4H4c-1.1 0-1.99.9-1.99 2L2 18c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 4l-8 5-8-5V6l8 5 8-5v2z",
    "M15.5 14h-.79l-.28-.27C15.41 12.59 16 11.11 16 9.5 16 5.91 13.09 3 9.5 3S3 5.91 3 9.5 5.91 16 9.5 16c1.61 0 3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5z",
)  # fmt: skip


# --- building blocks ------------------------------------------------------------------------


def _classes(rng: random.Random, first: str) -> str:
    return " ".join([first, *rng.sample(_CLASSES, rng.randint(1, 4))])


def _paragraph(rng: random.Random, lang: Language, sentences: int) -> str:
    picked = [rng.choice(lang.sentences) for _ in range(sentences)]
    if rng.random() < 0.4:  # some inline markup, as editors add it
        i = rng.randrange(len(picked))
        picked[i] = rng.choice(("<strong>{}</strong>", "<em>{}</em>", '<a href="/news/{slug}/">{}</a>')).format(
            picked[i], slug=rng.choice(_SLUG_WORDS)
        )
    joiner = "" if lang.code == "ja" else " "
    return f"<p>{joiner.join(picked)}</p>"


def _slug(rng: random.Random) -> str:
    return f"/{rng.randint(2019, 2026)}/{rng.randint(1, 12):02d}/{rng.choice(_SLUG_WORDS)}-{rng.randint(2, 999)}/"


def _icon(rng: random.Random) -> str:
    return (
        f'<svg class="icon icon-{rng.choice(_SLUG_WORDS)}" width="24" height="24" viewBox="0 0 24 24" '
        f'aria-hidden="true" focusable="false"><path d="{rng.choice(_ICON_PATHS)}"></path></svg>'
    )


def _image(rng: random.Random, alt: str) -> str:
    name = f"/wp-content/uploads/{rng.randint(2019, 2026)}/{rng.randint(1, 12):02d}/{rng.choice(_SLUG_WORDS)}-{rng.randint(1, 99)}"
    return (
        f'<img loading="lazy" decoding="async" width="768" height="432" src="{name}-768x432.jpg" '
        f'class="attachment-medium_large size-medium_large wp-post-image" alt="{alt}" '
        f'srcset="{name}-768x432.jpg 768w, {name}-300x169.jpg 300w, {name}-1024x576.jpg 1024w, {name}.jpg 1280w" '
        f'sizes="(max-width: 768px) 100vw, 768px">'
    )


def _when(rng: random.Random, lang: Language, dated: bool) -> str:
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(1400))  # up to late October 2026
    words = f"{day.day} {rng.choice(lang.months)} {day.year}"
    if dated:
        return f'<time class="entry-date published" datetime="{day.isoformat()}T{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:00+00:00">{words}</time>'
    return f'<span class="entry-date">{words}</span>'


def _card(rng: random.Random, lang: Language, dated: bool) -> str:
    heading = rng.choice(lang.headings)
    slug = _slug(rng)
    post = rng.randint(100, 9999)
    image = f'<div class="post-thumbnail"><a href="{slug}" aria-hidden="true" tabindex="-1">{_image(rng, heading)}</a></div>' if rng.random() < 0.6 else ""
    return (
        f'<article id="post-{post}" class="post-{post} post type-post status-publish format-standard has-post-thumbnail hentry category-news">'
        f'<div class="{_classes(rng, "card")}">{image}<div class="card-body"><header class="entry-header">'
        f'<h2 class="entry-title"><a href="{slug}" rel="bookmark">{heading}</a></h2>'
        f'<div class="entry-meta"><span class="posted-on">{_when(rng, lang, dated)}</span>'
        f'<span class="byline"> <span class="author vcard"><a class="url fn n" href="/author/editor/">editor</a></span></span></div></header>'
        f'<div class="entry-summary">{_paragraph(rng, lang, rng.randint(1, 3))}</div>'
        f'<footer class="entry-footer"><a class="more-link" href="{slug}">{lang.read_more}<span class="screen-reader-text"> &#8220;{heading}&#8221;</span> &raquo;</a></footer>'
        f"</div></div></article>"
    )


def _section(rng: random.Random, lang: Language, dated: bool) -> str:
    kind = rng.random()
    heading = rng.choice(lang.headings)
    if kind < 0.35:  # a run of news cards
        cards = "".join(_card(rng, lang, dated) for _ in range(rng.randint(1, 3)))
        inner = f'<h2 class="section-title">{heading}</h2><div class="{_classes(rng, "posts-grid")}">{cards}</div>'
    elif kind < 0.55:  # feature boxes in columns
        boxes = "".join(
            f'<div class="{_classes(rng, "col-md-4")}"><div class="feature-box">{_icon(rng)}'
            f"<h3>{rng.choice(lang.headings)}</h3>{_paragraph(rng, lang, rng.randint(1, 2))}"
            f'<a class="btn btn-outline" href="{_slug(rng)}">{lang.read_more}</a></div></div>'
            for _ in range(rng.randint(2, 4))
        )
        inner = f'<h2>{heading}</h2><div class="row">{boxes}</div>'
    elif kind < 0.7:  # a text section with a list of links
        links = "".join(
            f'<li class="menu-item"><a href="{_slug(rng)}">{rng.choice(lang.headings)}</a></li>' for _ in range(rng.randint(3, 8))
        )
        text = "".join(_paragraph(rng, lang, rng.randint(2, 4)) for _ in range(rng.randint(1, 3)))
        inner = f'<h2>{heading}</h2><div class="entry-content">{text}<ul class="wp-block-list">{links}</ul></div>'
    elif kind < 0.8:  # events as a table
        rows = "".join(
            f"<tr><td>{_when(rng, lang, False)}</td><td><a href=\"{_slug(rng)}\">{rng.choice(lang.headings)}</a></td>"
            f"<td>{rng.choice(PLACES)}</td></tr>"
            for _ in range(rng.randint(2, 6))
        )
        inner = f'<h2>{heading}</h2><div class="table-responsive"><table class="events"><tbody>{rows}</tbody></table></div>'
    elif kind < 0.9:  # a quote with an image
        inner = (
            f'<figure class="wp-block-image size-large">{_image(rng, heading)}<figcaption>{rng.choice(lang.headings)}</figcaption></figure>'
            f'<blockquote class="wp-block-quote">{_paragraph(rng, lang, 2)}<cite>{rng.choice(PLACES)}</cite></blockquote>'
        )
    else:  # the newsletter form, with a widget's inline script
        inner = (
            f'<h2>{lang.subscribe}</h2><form class="newsletter-form" action="/subscribe/" method="post">'
            f'<div class="form-group"><label for="nl-email-{rng.randint(1, 99)}">{lang.email}</label>'
            f'<input type="email" name="email" class="form-control" placeholder="{lang.email}" required></div>'
            f'<input type="hidden" name="_wpnonce" value="{rng.getrandbits(40):010x}">'
            f'<button type="submit" class="btn btn-primary">{lang.subscribe}</button></form>'
            f'<script>window.nlForm=window.nlForm||[];nlForm.push({{id:"{rng.getrandbits(32):08x}",list:{rng.randint(1, 40)},'
            f'double_optin:true,i18n:{{submit:"{lang.subscribe}"}}}});</script>'
        )
    return f'<section class="{_classes(rng, "section")}"><div class="container"><div class="{_classes(rng, "inner")}">{inner}</div></div></section>\n'


def _style(rng: random.Random) -> str:
    rules = []
    for _ in range(rng.randint(6, 40)):
        selector = "." + rng.choice(_CLASSES) + rng.choice(("", " a", " > .inner", ":hover", " h2", " li"))
        body = ";".join(rng.sample(_CSS_PROPERTIES, rng.randint(1, 5)))
        rules.append(f"{selector}{{{body}}}")
    return f'<style id="theme-inline-css">\n{chr(10).join(rules)}\n</style>\n'


def _head_script(rng: random.Random) -> str:
    tag = f"G-{rng.getrandbits(40):010X}"
    return (
        f'<script async src="https://www.googletagmanager.com/gtag/js?id={tag}"></script>\n'
        f"<script>window.dataLayer = window.dataLayer || [];function gtag(){{dataLayer.push(arguments);}}"
        f"gtag('js', new Date());gtag('config', '{tag}', {{anonymize_ip: true}});</script>\n"
    )


def _simple_nav(rng: random.Random, lang: Language, items: int) -> str:
    """A small site's menu: a plain list of links."""
    links = "".join(f'<li><a href="/{label.lower().replace(" ", "-")}/">{label}</a></li>' for label in lang.menu[:items])
    return f'<nav class="{_classes(rng, "nav")}"><ul class="menu">{links}</ul></nav>'


def _simple_footer(rng: random.Random, lang: Language) -> str:
    links = " | ".join(f'<a href="/{rng.choice(_SLUG_WORDS)}/">{label}</a>' for label in rng.sample(lang.footer, 2))
    return f'<footer class="site-footer"><p>&copy; {{year}} {{org}}. {links}</p></footer>\n'


def _nav(rng: random.Random, lang: Language, items: int) -> str:
    entries = []
    for label in lang.menu[:items]:
        sub = ""
        if rng.random() < 0.4:
            sub = '<ul class="sub-menu">' + "".join(
                f'<li class="menu-item menu-item-type-post_type menu-item-object-page"><a href="{_slug(rng)}">{rng.choice(lang.headings)}</a></li>'
                for _ in range(rng.randint(2, 5))
            ) + "</ul>"
        item_id = rng.randint(10, 999)
        entries.append(
            f'<li id="menu-item-{item_id}" class="menu-item menu-item-type-post_type menu-item-object-page menu-item-{item_id}'
            f'{" menu-item-has-children" if sub else ""}"><a href="/{label.lower().replace(" ", "-")}/">{label}</a>{sub}</li>'
        )
    search = (
        f'<form role="search" method="get" class="search-form" action="/"><label><span class="screen-reader-text">{lang.search}</span>'
        f'<input type="search" class="search-field" placeholder="{lang.search} &hellip;" value="" name="s"></label>'
        f'<button type="submit" class="search-submit">{_icon(rng)}</button></form>'
    )
    return (
        f'<nav id="site-navigation" class="main-navigation" aria-label="Primary"><button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">{_icon(rng)}</button>'
        f'<div class="menu-main-container"><ul id="primary-menu" class="menu nav-menu">{"".join(entries)}</ul></div>{search}</nav>'
    )


def _footer(rng: random.Random, lang: Language, columns: int) -> str:
    cols = "".join(
        f'<div class="{_classes(rng, "footer-widget")}"><h4 class="widget-title">{rng.choice(lang.headings)}</h4><ul>'
        + "".join(f'<li><a href="/{rng.choice(_SLUG_WORDS)}/">{rng.choice(lang.footer)}</a></li>' for _ in range(rng.randint(3, 6)))
        + "</ul></div>"
        for _ in range(columns)
    )
    social = "".join(f'<a class="social-link" href="/{rng.choice(_SLUG_WORDS)}/" rel="me">{_icon(rng)}</a>' for _ in range(rng.randint(2, 4)))
    return (
        f'<footer id="colophon" class="site-footer"><div class="container"><div class="row footer-widgets">{cols}</div>'
        f'<div class="social-links">{social}</div>'
        f'<div class="site-info">&copy; {{year}} {{org}}. {lang.rights} <a href="/privacy/">{lang.footer[0]}</a></div></div></footer>\n'
    )


def _tail_script(rng: random.Random) -> str:
    version = f"{rng.randint(5, 6)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"
    return (
        f'<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>\n'
        f'<script src="/wp-content/themes/site/js/navigation.js?ver={version}" id="site-navigation-js"></script>\n'
        f"<script>(function(){{var t=document.querySelector('.menu-toggle');if(!t)return;"
        f"t.addEventListener('click',function(){{var e=t.getAttribute('aria-expanded')==='true';"
        f"t.setAttribute('aria-expanded',String(!e));document.body.classList.toggle('nav-open');}});}})();</script>\n"
    )


@dataclass(frozen=True)
class Blocks:
    """One language's building blocks, as bytes, each pool sorted by size."""

    lang: Language
    sections: tuple[bytes, ...]  # undated
    dated_sections: tuple[bytes, ...]  # the same sections, with <time datetime> in their cards
    navs: tuple[bytes, ...]
    footers: tuple[str, ...]  # with {year} and {org} still to fill
    simple_navs: tuple[bytes, ...]  # for small sites
    simple_footers: tuple[str, ...]
    styles: tuple[bytes, ...]
    head_scripts: tuple[bytes, ...]
    tail_scripts: tuple[bytes, ...]


def _sections(seed: int, lang: Language, dated: bool) -> tuple[bytes, ...]:
    # The same seed for both variants: a dated section differs only in its dates' markup.
    rng = random.Random(f"sections:{seed}:{lang.code}")
    return tuple(_section(rng, lang, dated).encode() for _ in range(48))


@functools.cache
def blocks(seed: int, lang_index: int) -> Blocks:
    """The building blocks of one language for this seed (made once, then reused)."""
    lang = LANGUAGES[lang_index]
    rng = random.Random(f"blocks:{seed}:{lang.code}")
    return Blocks(
        lang,
        _sections(seed, lang, dated=False),
        _sections(seed, lang, dated=True),
        tuple(sorted((_nav(rng, lang, items).encode() for items in (4, 5, 6, 7, 8, 9, 10) for _ in range(2)), key=len)),
        tuple(sorted((_footer(rng, lang, columns) for columns in (1, 2, 3, 4) for _ in range(2)), key=len)),
        tuple(sorted((_simple_nav(rng, lang, items).encode() for items in (3, 4, 5, 6)), key=len)),
        tuple(_simple_footer(rng, lang) for _ in range(4)),
        tuple(sorted((_style(rng).encode() for _ in range(8)), key=len)),
        tuple(_head_script(rng).encode() for _ in range(4)),
        tuple(_tail_script(rng).encode() for _ in range(4)),
    )


def _fitting(rng: random.Random, pool: tuple[bytes, ...] | tuple[str, ...], budget: int) -> bytes | str:
    """A random member of `pool` no longer than `budget`, else the shortest."""
    fits = [item for item in pool if len(item) <= budget]
    return rng.choice(fits) if fits else pool[0]


_WEIGHTS = tuple(lang.weight for lang in LANGUAGES)


def _who(seed: int, index: int) -> tuple[random.Random, int, str]:
    """Host `index`'s random stream, its language and the organisation its page names."""
    rng = random.Random(seed * 1_000_003 + index)
    lang_index = rng.choices(range(len(LANGUAGES)), _WEIGHTS)[0]
    org = rng.choice(LANGUAGES[lang_index].kinds).format(place=rng.choice(PLACES))
    return rng, lang_index, org


def organisation(seed: int, index: int) -> str:
    """The name of the organisation host `index`'s page shows (its title, heading, site name)."""
    return _who(seed, index)[2]


def page(seed: int, index: int, name: str, size: int, dated: bool) -> bytes:
    """The home page of host `index` (called `name`): about `size` bytes (within half a section,
    or its frame if that is larger), dated in its markup when `dated`. The same arguments give
    the same bytes."""
    rng, lang_index, org = _who(seed, index)
    parts = blocks(seed, lang_index)
    lang = parts.lang
    tagline = rng.choice(lang.taglines)
    description = rng.choice(lang.sentences)
    modified = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))  # up to late September 2026
    # Small sites (a few KB) are hand-made or minimal themes: a plain menu, no inline CSS or
    # analytics, no SEO plugin's metadata.
    small = size < 6_000
    head = [
        f'<!DOCTYPE html>\n<html lang="{lang.code}" class="no-js">\n<head>\n<meta charset="UTF-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{org} &#8211; {tagline}</title>\n"
        f'<meta name="description" content="{description}">\n'
    ]
    if not small:
        head.append(
            f'<link rel="profile" href="https://gmpg.org/xfn/11">\n'
            f'<meta name="robots" content="index, follow, max-image-preview:large">\n'
            f'<link rel="canonical" href="http://{name}/">\n'
            f'<meta property="og:locale" content="{lang.code}">\n<meta property="og:type" content="website">\n'
            f'<meta property="og:title" content="{org}">\n<meta property="og:url" content="http://{name}/">\n'
            f'<meta property="og:site_name" content="{org}">\n'
        )
    if dated:
        stamp = f"{modified.isoformat()}T{rng.randint(7, 21):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+00:00"
        head.append(f'<meta property="article:modified_time" content="{stamp}">\n')
    if dated and not small:
        head.append(
            '<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org","@graph":['
            f'{{"@type":"WebPage","@id":"http://{name}/","url":"http://{name}/","name":"{org}",'
            f'"isPartOf":{{"@id":"http://{name}/#website"}},"datePublished":"2019-03-0{rng.randint(1, 9)}T10:00:00+00:00",'
            f'"dateModified":"{stamp}","inLanguage":"{lang.code}"}},'
            f'{{"@type":"WebSite","@id":"http://{name}/#website","url":"http://{name}/","name":"{org}"}}]}}</script>\n'
        )
    head.append('<link rel="stylesheet" id="theme-style-css" href="/wp-content/themes/site/style.css?ver=6.4.2" media="all">\n')
    out = ["".join(head).encode()]
    budget = size - len(out[0])
    if not small:
        out.append(b'<link rel="icon" href="/wp-content/uploads/2021/03/cropped-icon-32x32.png" sizes="32x32">\n')
        out.append(_fitting(rng, parts.styles, budget // 4))  # type: ignore[arg-type]
        if rng.random() < 0.6:
            out.append(rng.choice(parts.head_scripts))
    body_class = f"home page-template-default page page-id-{rng.randint(2, 999)} wp-custom-logo wp-embed-responsive"
    logo = (
        "" if small else f'<a href="/" class="custom-logo-link" rel="home"><img width="250" height="80" '
        f'src="/wp-content/uploads/2021/03/logo.png" class="custom-logo" alt="{org}" decoding="async"></a>'
    )
    out.append(
        (
            f'</head>\n<body class="{body_class}">\n<div id="page" class="site">'
            f'<a class="skip-link screen-reader-text" href="#content">{lang.menu[0]}</a>\n'
            f'<header id="masthead" class="site-header"><div class="container"><div class="row"><div class="col-md-4">'
            f'<div class="site-branding">{logo}'
            f'<p class="site-title"><a href="/" rel="home">{org}</a></p><p class="site-description">{tagline}</p></div></div>'
            f'<div class="col-md-8">'
        ).encode()
    )
    used = sum(map(len, out))
    out.append(rng.choice(parts.simple_navs) if small else _fitting(rng, parts.navs, max(0, size - used) // 4))  # type: ignore[arg-type]
    out.append(
        f'</div></div></div></header>\n<div id="content" class="site-content"><div class="container"><div class="row">'
        f'<main id="main" class="site-main col-lg-8">\n<h1 class="page-title">{org}</h1>\n'.encode()
    )
    footers = parts.simple_footers if small else parts.footers
    footer = str(_fitting(rng, footers, max(0, size - used) // 5)).format(year=2026, org=org).encode()
    tail = b"" if small else rng.choice(parts.tail_scripts)
    end = b"</main></div></div></div>\n" + footer + b"</div>\n" + tail + b"</body>\n</html>\n"
    used = sum(map(len, out)) + len(end)
    sections = parts.dated_sections if dated else parts.sections
    while used < size:
        section = rng.choice(sections)
        if used + len(section) - size > size - used:
            break  # ending here is nearer the size than ending after it
        out.append(section)
        used += len(section)
    out.append(end)
    return b"".join(out)
