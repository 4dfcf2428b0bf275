"""Names compared the way a reader compares them.

A reader sees "Fédération Écologiste" in "FEDERATION ECOLOGISTE – Accueil", "Workers' Party" in
"The Party of Workers", "SPEW" as the Socialist Party of England and Wales, and "人民论坛" in
"人民论坛 首页". So names and the texts they are looked for in are folded first -- compatibility
forms (NFKC: full-width letters, ligatures), case (casefold: ß and ss, final sigma), accents and
other combining marks (é, ё, Greek tonos, Hebrew points), punctuation and symbols -- and then a
name matches when all its significant words appear in any order, when its letters appear
contiguously (scripts written without spaces, hyphenation), or by its abbreviation.

Everything here is pure and works on any script; nothing raises.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Words that carry no identity: articles, prepositions and conjunctions of the directory's
# languages (and the elided l' d' of French and Italian), dropped before names are compared.
STOPWORDS = frozenset(
    """a an the of and for in at on to by with de del della delle dei degli des du la le les l d el
    los las lo y e et und der die das den dem für fur van von het een en i och og af do da dos di
    al o za na w z ve ile и в на за и της του των και""".split()
)
# Words a title wraps a name in: they say where the reader is, not who.
GENERIC = frozenset(
    """home homepage welcome official site website web page pages index main start news startseite
    willkommen accueil bienvenue inicio bienvenido bienvenida inicial início benvenuti welkom
    strona glowna główna domov uvod главная головна начало добро пожаловать главная страница
    首页 主页 ホーム トップ 홈 αρχική""".split()
)
# A contiguous match must be this long (in folded letters) in scripts written with spaces, so
# that "arc" is not found inside "search"; scripts without spaces match from two characters.
_MIN_CONTIGUOUS = 6
_MIN_CONTIGUOUS_UNSPACED = 2
_MIN_ABBREVIATION = 3
# Scripts written without spaces between words.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN")


class _FoldTable(dict[int, int | None]):
    """`str.translate` table of what folding does to each character, filled as characters are
    first seen: combining marks and invisible format characters go, punctuation, symbols,
    separators and controls become spaces, everything else stays."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        category = unicodedata.category(char)
        if unicodedata.combining(char) or category == "Cf":
            folded: int | None = None  # an accent or vowel point, a zero-width joiner
        elif category[0] in "PSZ" or category == "Cc":
            folded = 0x20
        else:
            folded = code
        self[code] = folded
        return folded


_FOLD = _FoldTable()
_ASCII_FOLD = {code: 0x20 for code in range(128) if not chr(code).isalnum()}


# Names and titles repeat (every check folds its entry's names): short texts are remembered.
_CACHED_LENGTH = 300


def fold(text: str) -> str:
    """`text` as a reader compares it: NFKC, case-folded, without accents or other marks,
    punctuation and symbols as spaces, white space collapsed."""
    return _fold_cached(text) if len(text) <= _CACHED_LENGTH else _fold(text)


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_FOLD).split())
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return " ".join(unicodedata.normalize("NFC", decomposed.translate(_FOLD)).split())


def words(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold(text).split()


def significant(tokens: list[str]) -> tuple[str, ...]:
    """`tokens` without stop words and generic title words."""
    return tuple(t for t in tokens if t not in STOPWORDS and t not in GENERIC)


def unspaced(text: str) -> bool:
    """Whether most letters of `text` are of a script written without spaces (Chinese, Japanese, Thai...)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    without = sum(1 for c in letters if unicodedata.name(c, "").startswith(_UNSPACED))
    return without * 2 > len(letters)


@dataclass(frozen=True, slots=True)
class Name:
    """One way the organisation is named (its name, English name, a former title), ready to compare."""

    shown: str  # as given, for the evidence
    tokens: tuple[str, ...]  # significant folded words, in order
    compact: str  # every folded word run together
    abbreviations: frozenset[str]
    short: bool  # too short to be found contiguously

    @classmethod
    def of(cls, text: str, *, generic_too: bool = False) -> Name:
        """A name from `text`. `generic_too` drops generic title words as well ("Home", "Welcome"):
        for former titles, which wrap the name in them."""
        tokens = words(text)
        kept = significant(tokens) if generic_too else tuple(t for t in tokens if t not in STOPWORDS)
        compact = "".join(kept)
        minimum = _MIN_CONTIGUOUS_UNSPACED if unspaced(text) else _MIN_CONTIGUOUS
        return cls(text, kept, compact, _abbreviations(text, kept), len(compact) < minimum)


def _abbreviations(text: str, tokens: tuple[str, ...]) -> frozenset[str]:
    """Initials of the significant words ("Socialist Party of England and Wales" -> "spew"), and
    any word written in capitals in the name itself ("Partido Comunista de España (PCE)")."""
    found: set[str] = set()
    letters = [t[0] for t in tokens if t[0].isalpha()]
    if len(letters) >= _MIN_ABBREVIATION:
        found.add("".join(letters))
    for raw in text.split():
        stripped = raw.strip("()[]{}.,;:'\"")
        if stripped.isupper() and stripped.isalpha():
            found.add(fold(stripped))
    return frozenset(a for a in found if len(a) >= _MIN_ABBREVIATION)


@dataclass(frozen=True, slots=True)
class Subject:
    """A text the page shows (its title, a heading...), ready to be searched for names."""

    tokens: frozenset[str]
    compact: str
    significant: tuple[str, ...]  # its own significant words, in order (without generic ones)

    @classmethod
    def of(cls, text: str) -> Subject:
        tokens = words(text)
        return cls(frozenset(tokens), "".join(tokens), significant(tokens))


def match(name: Name, subject: Subject, *, short_subject: bool) -> str | None:
    """How `subject` names `name`: "name" (its words, in any order, or its letters run
    together), "abbreviation", "part" (a short subject -- a title -- made only of two or more
    of the name's words: "Socialist Party" for the Socialist Party of England and Wales);
    None when it does not."""
    if name.tokens and all(token in subject.tokens for token in name.tokens):
        return "name"
    if not name.short and name.compact and name.compact in subject.compact:
        return "name"
    if any(a in subject.tokens for a in name.abbreviations):
        return "abbreviation"
    if short_subject and len(subject.significant) >= 2 and set(subject.significant) <= set(name.tokens):
        return "part"
    return None


def shares_a_word(a: Subject, names: list[Name]) -> bool:
    """Whether `a` has a significant word of any of `names` (a weaker kinship than `match`)."""
    words_of = {token for name in names for token in name.tokens}
    return any(token in words_of for token in a.significant)
