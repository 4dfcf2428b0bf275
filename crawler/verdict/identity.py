"""Is the site at the listed address still the organisation's? The evidence, weighed.

`judge` answers for one check, from the page that answered and what the history knows:

* **confirmed** when the page names the organisation where a reader looks for a site's name --
  its title, its ``og:site_name`` / ``application-name``, the names in its structured data
  (JSON-LD), its main headings, its first words -- by the entry's `name`, its `name_en`, a title
  the site showed while it was confirmed before, or a clear abbreviation of them, compared as a
  reader would (`crawler.verdict.names`);
* **lost** only on positive evidence, never because a name is missing:
  - the domain was registered (RDAP) after the last check that confirmed the organisation, and
    the page does not name it;
  - a page that names someone or something else shows a taken-over domain's signs (gambling,
    pharmacy, adult, loans, SEO spam, a link farm, keyword stuffing, another script than the
    organisation ever used), weighing `TAKEOVER_THRESHOLD`;
  - the site was confirmed before, and now its title shares no word with anything it or the
    organisation was ever called, and the organisation's name is nowhere on the page;
* **unconfirmed** otherwise: nothing names it, nothing contradicts.

Pure: page text and history in, a `Judgement` out; never raises.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from crawler.verdict import page_signals, page_text
from crawler.verdict.domains import host_of, registered_domain
from crawler.verdict.names import Name, Subject, fold, match, shares_a_word, words
from crawler.verdict.outcome import Identity, Status, WarningCode

# Words of visible text that count as "the first words a reader sees".
FIRST_WORDS = 200
# Where a reader looks for a site's name, in the order they are tried (and named in the evidence).
HEAD_LIMIT = page_text.SCAN_LIMIT  # characters of HTML searched for metadata
JSON_LD_LIMIT = 64 * 1024  # characters of one JSON-LD block
MAX_NAMES_PER_SOURCE = 8
# Takeover evidence not in the signal table, with their weights (the table's are there).
LINK_FARM_HOSTS = 40  # distinct outbound registered domains in the top of one page
LINK_FARM_WEIGHT = 1.5
STUFFED_SHARE = 0.08  # one word making this share of the first words...
STUFFED_MIN = 20  # ...and at least this many times
STUFFED_WEIGHT = 1.5
NEW_SCRIPT_WEIGHT = 2.0
TAKEOVER_THRESHOLD = page_signals.TAKEOVER_THRESHOLD
# Statuses whose page is the site's own content (a takeover shows one; a parking lander's ads
# about casinos and loans are not a takeover sign, nor is an error page).
CONTENT_STATUSES = frozenset({Status.OK, Status.REDIRECTED, Status.MOVED})
# Characters of a page searched whole for the organisation's name before calling it "unrelated".
FULL_SEARCH_LIMIT = 512 * 1024

_META = re.compile(r"<meta\b[^<>]{0,1000}>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"""([a-z][a-z0-9:_-]{0,40})[ \t\n]{0,5}=[ \t\n]{0,5}(?:"([^"]{0,500})"|'([^']{0,500})'|([^\s"'<>`=]{1,500}))""",
    re.IGNORECASE,
)
_SITE_NAME_KEYS = frozenset({"og:site_name", "application-name", "apple-mobile-web-app-title"})
_JSON_LD = re.compile(
    r"<script\b[^<>]{0,300}\btype[ \t]{0,3}=[ \t]{0,3}[\"']?application/ld\+json[\"']?[^<>]{0,300}>",
    re.IGNORECASE,
)
_SCRIPT_END = re.compile(r"</script\s{0,5}>", re.IGNORECASE)
_JSON_LD_NAME_KEYS = ("name", "alternateName", "legalName")
# Script names of letters (the first word of their Unicode names), for "another script than the
# organisation ever used". Han, kana and hangul count as one: East Asian.
_SCRIPT_ALIASES = {"CJK": "EAST-ASIAN", "HIRAGANA": "EAST-ASIAN", "KATAKANA": "EAST-ASIAN", "HANGUL": "EAST-ASIAN"}


@dataclass(frozen=True, slots=True)
class Known:
    """What the directory and the history know about an entry."""

    names: tuple[str, ...]  # its name and English name, as the directory gives them
    former_titles: tuple[str, ...] = ()  # titles its site showed while confirmed, newest first
    last_confirmed: str | None = None  # ISO-8601 UTC of the last check that confirmed it
    registered: date | None = None  # when its listed domain was registered (RDAP), if known
    listed_domain: str = ""  # the listed URL's registered domain


@dataclass(frozen=True, slots=True)
class Seen:
    """The page that answered the check, as the spider read it."""

    status: Status
    html: str  # the decoded page
    title: str | None
    text: str  # its visible text (`page_signals.Reading.text`)
    final_url: str = ""


@dataclass(frozen=True, slots=True)
class Judgement:
    identity: Identity
    detail: str
    warnings: tuple[str, ...] = ()


def judge(known: Known, seen: Seen) -> Judgement:
    """The identity of the site behind one answered check (see the module doc)."""
    try:
        return _judge(known, seen)
    except (ValueError, RecursionError, UnicodeError) as exc:  # a page we cannot read says nothing
        return Judgement(Identity.UNCONFIRMED, f"the page could not be read for names ({type(exc).__name__})")


def _judge(known: Known, seen: Seen) -> Judgement:
    names = [Name.of(n) for n in known.names if n and n.strip()]
    former = [Name.of(t, generic_too=True) for t in known.former_titles if t]
    former = [n for n in former if n.tokens]  # "Home" was never a name
    re_registered = _registered_after_confirmed(known)

    site_names = _site_names(seen.html[:HEAD_LIMIT])  # read once: confirmation and "what it calls itself"
    found = _confirmation(names, former, seen, site_names)
    if found is not None:
        if re_registered:
            return Judgement(
                Identity.CONFIRMED,
                f"{found}; but the domain was registered again on {known.registered}, after the last "
                f"check that confirmed it ({known.last_confirmed[:10] if known.last_confirmed else ''})",
                (WarningCode.DOMAIN_REREGISTERED,),
            )
        return Judgement(Identity.CONFIRMED, found)

    other = _what_it_calls_itself(seen, site_names)
    if re_registered:
        named = f" and names {_quote(other)}" if other else ""
        return Judgement(
            Identity.LOST,
            f"the domain was registered on {known.registered}, after the last check that confirmed the "
            f"organisation ({known.last_confirmed[:10] if known.last_confirmed else ''}); the page does not "
            f"name it{named}",
        )
    if seen.status in CONTENT_STATUSES and other:
        signs = _takeover_signs(known, former, seen)
        if _weight(signs) >= TAKEOVER_THRESHOLD:
            shown = [sign for sign in signs if sign not in page_signals.COUNTER_TAKEOVER]
            return Judgement(
                Identity.LOST,
                f"the page names {_quote(other)}, not the organisation, and shows a taken-over domain's "
                f"signs: {', '.join(shown)}",
            )
        if known.last_confirmed and former and _unrelated(names, former, seen):
            return Judgement(
                Identity.LOST,
                f"confirmed until {known.last_confirmed[:10]} as {_quote(known.former_titles[0])}; now the "
                f"page names {_quote(other)} and neither the organisation nor anything its site was called",
            )
    if other:
        return Judgement(Identity.UNCONFIRMED, f"nothing on the page names the organisation (it names {_quote(other)})")
    return Judgement(Identity.UNCONFIRMED, "nothing on the page names the organisation")


# --- confirmation -------------------------------------------------------------------------------


def _confirmation(names: list[Name], former: list[Name], seen: Seen, site_names: list[str]) -> str | None:
    """The evidence that the page names the organisation, in words; None if it does not."""
    for where, text, short in _self_descriptions(seen, site_names):
        subject = Subject.of(text)
        found = [how for name in names if (how := match(name, subject, short_subject=short)) is not None]
        if found:  # the surest way any of its names is named there
            return _evidence(where, min(found, key=_SURENESS.index), text)
        for name in former:
            if match(name, subject, short_subject=False) == "name":
                return f"{where} matches a former title ({_quote(name.shown)})"
    return None


_SURENESS = ("name", "abbreviation", "part")


def _evidence(where: str, how: str, text: str) -> str:
    if how == "abbreviation":
        return f"{where} names it by its abbreviation ({_quote(text)})"
    if how == "part":
        return f"{where} names it by part of its name ({_quote(text)})"
    return f"{where} names it ({_quote(text)})"


def _self_descriptions(seen: Seen, site_names: list[str]) -> Iterator[tuple[str, str, bool]]:
    """(where, text, short) for each place a page names itself, cheapest and surest first."""
    if seen.title:
        yield "the title", seen.title, True
    head = seen.html[:HEAD_LIMIT]
    for value in site_names:
        yield "the site name", value, True
    for value in _json_ld_names(head):
        yield "the structured data", value, True
    for heading in page_text.headings(head).split("\n"):
        if heading.strip():
            yield "the main heading", heading, True
    first = " ".join(seen.text.split()[:FIRST_WORDS])
    if first:
        yield "the first words", first, False


def _site_names(head: str) -> list[str]:
    found: list[str] = []
    for tag in _META.findall(head):
        attributes = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTRIBUTE.finditer(tag)}
        key = (attributes.get("property") or attributes.get("name") or "").lower()
        content = " ".join(attributes.get("content", "").split())
        if key in _SITE_NAME_KEYS and content:
            found.append(html.unescape(content))
            if len(found) >= MAX_NAMES_PER_SOURCE:
                break
    return found


def _json_ld_names(head: str) -> list[str]:
    found: list[str] = []
    position = 0
    while len(found) < MAX_NAMES_PER_SOURCE and (opener := _JSON_LD.search(head, position)) is not None:
        closer = _SCRIPT_END.search(head, opener.end())
        end = closer.start() if closer else len(head)
        block = head[opener.end() : end][:JSON_LD_LIMIT]
        position = closer.end() if closer else len(head)
        try:
            data = json.loads(block.strip().removeprefix("<!--").removesuffix("-->"))
        except ValueError:
            continue
        found.extend(_names_in(data, depth=0))
    return found[:MAX_NAMES_PER_SOURCE]


def _names_in(data: object, depth: int) -> Iterator[str]:
    """The name values of the JSON-LD nodes near the top (the site's own, not its articles')."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data[:20]:
            yield from _names_in(item, depth + 1)
    elif isinstance(data, dict):
        for key in _JSON_LD_NAME_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                yield value.strip()
        for key in ("@graph", "publisher", "author", "provider", "isPartOf", "about"):
            if key in data:
                yield from _names_in(data[key], depth + 1)


def _what_it_calls_itself(seen: Seen, site_names: list[str]) -> str | None:
    """The name the page gives itself (title, else site name), when it is more than "Home"."""
    candidates = [seen.title, *site_names] if seen.title else list(site_names)
    for candidate in candidates:
        if candidate and Subject.of(candidate).significant:
            return candidate
    return None


# --- lost ---------------------------------------------------------------------------------------


def _registered_after_confirmed(known: Known) -> bool:
    if known.registered is None or not known.last_confirmed:
        return False
    try:
        confirmed_on = date.fromisoformat(known.last_confirmed[:10])
    except ValueError:
        return False
    return known.registered > confirmed_on


def _takeover_signs(known: Known, former: list[Name], seen: Seen) -> list[str]:
    """The takeover signs of the page, complete whenever they weigh enough to call it lost.

    The table's signs come first; each of this module's own costs another pass over the page,
    so one is looked for only while it could still lift the sum to the threshold (most pages
    show none of the table's signs, and then no single extra sign can). Signs are shown only
    for a lost identity, and then every one was looked for."""
    signs = page_signals.takeover_signals(seen.text, seen.title)
    weight = _weight(signs)
    extras: list[tuple[str, Callable[[], bool]]] = [
        ("link-farm", lambda: _link_farm(known, seen)),
        ("keyword-stuffed", lambda: _stuffed(seen.text)),
    ]
    if former:
        extras.append(("another-script", lambda: _new_script(known, seen)))
    still_possible = sum(_EXTRA_WEIGHTS[sign] for sign, _ in extras)
    for sign, shown in extras:
        if weight + still_possible < TAKEOVER_THRESHOLD:
            break
        still_possible -= _EXTRA_WEIGHTS[sign]
        if shown():
            signs.append(sign)
            weight += _EXTRA_WEIGHTS[sign]
    return signs


def _link_farm(known: Known, seen: Seen) -> bool:
    hosts = {registered_domain(h) for h in page_text.outbound_hosts(seen.html)}
    hosts.discard(known.listed_domain)
    hosts.discard(registered_domain(host_of(seen.final_url)))
    return len(hosts) >= LINK_FARM_HOSTS


_EXTRA_WEIGHTS = {"link-farm": LINK_FARM_WEIGHT, "keyword-stuffed": STUFFED_WEIGHT, "another-script": NEW_SCRIPT_WEIGHT}


def _weight(signs: Sequence[str]) -> float:
    """The summed weight of takeover signs (the table's, less its counter-evidence, and this
    module's own)."""
    table = [sign for sign in signs if sign not in _EXTRA_WEIGHTS]
    return page_signals.takeover_score(table) + sum(_EXTRA_WEIGHTS.get(sign, 0.0) for sign in signs)


def _stuffed(text: str) -> bool:
    counts = Counter(w for w in words(" ".join(text.split()[: page_text.TEXT_WORDS])) if len(w) >= 4)
    total = sum(counts.values())
    if not total:
        return False
    word, count = counts.most_common(1)[0]
    return count >= STUFFED_MIN and count >= STUFFED_SHARE * total


def _new_script(known: Known, seen: Seen) -> bool:
    """Whether the page is written in a script that neither the organisation's names nor any
    title its site showed while confirmed was written in."""
    now = _script(f"{seen.title or ''} {' '.join(seen.text.split()[:FIRST_WORDS])}")
    if now is None:
        return False
    before = {_script(text) for text in (*known.names, *known.former_titles)}
    return now not in before


def _script(text: str) -> str | None:
    """The script most letters of `text` are written in (LATIN, CYRILLIC, GREEK, HEBREW,
    ARABIC, EAST-ASIAN, THAI...), or None when it has no letters."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            first = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
            counts[_SCRIPT_ALIASES.get(first, first)] += 1
    return counts.most_common(1)[0][0] if counts else None


def _unrelated(names: list[Name], former: list[Name], seen: Seen) -> bool:
    """The page's title shares no word with the organisation's names or former titles, and the
    organisation's name (or a former title) is nowhere in its text."""
    if not seen.title:
        return False
    title = Subject.of(seen.title)
    if not title.significant or shares_a_word(title, names + former):
        return False
    # The whole page, tags and all: a footer far below the top may be the only place that names it.
    whole = fold(html.unescape(seen.html[:FULL_SEARCH_LIMIT]))
    tokens = set(whole.split())
    compact = whole.replace(" ", "")
    for name in names + former:
        if name.tokens and all(t in tokens for t in name.tokens):
            return False
        if name.compact and not name.short and name.compact in compact:
            return False
        if any(a in tokens for a in name.abbreviations):
            return False
    return True


def _quote(text: str | None) -> str:
    shown = " ".join((text or "").split())
    if len(shown) > 80:
        shown = shown[:79] + "…"
    return f"“{shown}”"
