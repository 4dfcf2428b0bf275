"""Properties over arbitrary input: the parts that read what strangers wrote never break.

- the directory loader raises DirectoryError and nothing else, whatever the file holds;
- `classify_page` gives exactly one well-formed Outcome for any page;
- `classify_failure` gives one for any exception;
- `extract_title` gives None or one clean line for any body.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from service_identity.exceptions import VerificationError
from twisted.internet.error import ConnectError, ConnectionRefusedError, DNSLookupError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.directory import Directory, DirectoryError, load_directory, parse_directory
from crawler.net.addresses import AddressRefused
from crawler.verdict.classify import (
    META_REFRESH,
    Hop,
    Page,
    classify_failure,
    classify_page,
)
from crawler.verdict.outcome import Outcome, Status
from crawler.verdict.title import extract_title

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_formed(outcome: object) -> None:
    assert isinstance(outcome, Outcome)
    assert isinstance(outcome.status, Status) and outcome.status in set(Status)
    assert isinstance(outcome.reason, str) and outcome.reason.strip()
    assert isinstance(outcome.detail, str)


# --- the directory loader -------------------------------------------------------------------

KEYS = ["id", "country", "name", "name_en", "website", "notes", "organisations", "webiste", "- id", ""]
VALUES = st.one_of(
    st.sampled_from(["ok-1", "https://a.invalid/", "http://[::1]/", "ftp://x/", "null", "~", "yes",
                     "2019", "2011-05-07", '"quoted"', "'single'", "&a x", "*a", "!!python/object:os.system x",
                     "[1, 2]", "{a: b}", "|", ">", "- x", "https://bücher.invalid/", "https://a b/", "http://:0/"]),
    st.text(max_size=20),
)


@st.composite
def yaml_like(draw: st.DrawFn) -> str:
    """Text shaped like a directory file (so the checks beyond the YAML parser are reached)."""
    lines = [draw(st.sampled_from(["organisations:", "organisations: []", "organisations: x", "---", ""]))]
    for _ in range(draw(st.integers(0, 6))):
        indent = draw(st.sampled_from(["  ", "    ", "", "\t", "      "]))
        dash = draw(st.sampled_from(["- ", "", "  "]))
        lines.append(f"{indent}{dash}{draw(st.sampled_from(KEYS))}: {draw(VALUES)}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\r\n", "\n..."]))


def assert_valid(directory: Directory) -> None:
    ids = [e.id for e in directory.entries]
    assert len(ids) == len(set(ids))
    for entry in directory.entries:
        assert entry.id and entry.name and entry.country
        assert entry.website is None or urlsplit(entry.website).scheme in ("http", "https")


@FUZZ
@given(st.one_of(st.text(), yaml_like()))
@example("organisations:\n  - id: a\n    country: b\n    name: c\n    website: http://[::1\n")
@example("a: &a [1]\nb: *a\n")
@example("[" * 5000)
def test_directory_text_raises_only_directory_error(text: str) -> None:
    try:
        directory = parse_directory(text, "fuzz.yaml")
    except DirectoryError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml:") for p in exc.problems)
    else:
        assert_valid(directory)


@FUZZ
@given(st.binary(max_size=2048))
@example(b"\xff\xfe\x00o\x00r\x00g")
@example(b"organisations:\n  - id: \xc3\x28\n")
def test_directory_file_of_any_bytes_raises_only_directory_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz-organisations.yaml"
    path.write_bytes(data)
    try:
        assert_valid(load_directory(path))
    except DirectoryError as exc:
        assert exc.problems


# --- classify_page --------------------------------------------------------------------------


def splits(url: str) -> bool:
    try:
        urlsplit(url).hostname  # noqa: B018 - raises for a malformed bracketed host
    except ValueError:
        return False
    return True


URLS = st.one_of(
    st.sampled_from(["https://example.org/", "http://www.example.org/a", "https://other.net/",
                     "http://127.0.0.1:8080/", "https://bücher.de/", "http://[::1]:80/", "", "/relative",
                     "https://example.co.uk/", "http://example.org:8080/x?y#z"]),
    st.text(max_size=40),
    st.builds(lambda host, path: f"https://{host}/{path}", st.text(min_size=1, max_size=15), st.text(max_size=10)),
).filter(splits)  # malformed bracketed hosts: see test_classify_survives_malformed_urls

HEADER_NAMES = st.sampled_from(["retry-after", "server", "cf-mitigated", "content-type", "location", "x-anything"])
PAGE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["<title>Page not found</title>", "This domain is for sale! Buy now",
                     "Checking your browser before accessing", "<html><body>cloudflare</body></html>",
                     "Just a moment...", "Parked free courtesy of GoDaddy.com", ""]),
)

PAGES = st.builds(
    Page,
    listed_url=URLS,
    final_url=URLS,
    status=st.integers(100, 599),
    headers=st.dictionaries(st.one_of(HEADER_NAMES, st.text(max_size=10)), st.text(max_size=40), max_size=5),
    hops=st.lists(
        st.builds(Hop, url=URLS, reason=st.one_of(st.integers(300, 399), st.just(META_REFRESH), st.text(max_size=10))),
        max_size=4,
    ),
    text=PAGE_TEXT,
    title=st.one_of(st.none(), st.text(max_size=60), st.sampled_from(["Page not found", "Domain for sale", "Just a moment..."])),
    probe_status=st.one_of(st.none(), st.integers(100, 599)),
    probe_same_page=st.one_of(st.none(), st.booleans()),
)


@FUZZ
@given(PAGES)
def test_classify_page_gives_one_well_formed_outcome(page: Page) -> None:
    outcome = classify_page(page)
    assert_well_formed(outcome)
    assert outcome.http_status == page.status


@pytest.mark.parametrize("url", ["http://[::1", "http://[not-an-address]/"])
def test_classify_survives_malformed_urls(url: str) -> None:
    assert_well_formed(classify_page(Page("https://example.org/", url, 404, {})))
    assert_well_formed(classify_failure(CannotResolveHostError(), url))


# --- classify_failure -----------------------------------------------------------------------


def ignored_bomb() -> IgnoreRequest:
    exc = IgnoreRequest("too big")
    exc.__cause__ = _DecompressionMaxSizeExceeded(10**9, 8 * 2**20)
    return exc


def cyclic() -> Exception:
    a, b = ValueError("a"), RuntimeError("b")
    a.__cause__, b.__context__ = b, a
    return a


def never_received(inner: BaseException) -> ResponseNeverReceived:
    return ResponseNeverReceived([Failure(inner)])


FAILURES = [
    AddressRefused("127.0.0.1"), CannotResolveHostError("x"), DNSLookupError("x"),
    DownloadConnectionRefusedError(), ConnectionRefusedError(), DownloadTimeoutError(),
    TxTimeoutError(), DownloadFailedError(), ResponseDataLossError(), ConnectError(),
    IgnoreRequest(), ignored_bomb(), SSL.Error([("SSL routines", "", "certificate verify failed")]),
    VerificationError([]), never_received(SSL.Error([])), never_received(ValueError("x")),
    cyclic(), ValueError(""), Exception(), OSError(104, "reset"), MemoryError(), KeyError(None),
]


@FUZZ
@given(
    exc=st.sampled_from(FAILURES),
    url=URLS,
    redirect_urls=st.lists(URLS, max_size=12),
    refused=st.one_of(st.none(), st.sampled_from(["127.0.0.1", "::1", ""]), st.text(max_size=10)),
    tls=st.one_of(st.none(), st.sampled_from(["certificate expired 2026-10-01", ""]), st.text(max_size=20)),
)
def test_classify_failure_gives_one_well_formed_outcome(
    exc: BaseException, url: str, redirect_urls: list[str], refused: str | None, tls: str | None
) -> None:
    assert_well_formed(classify_failure(exc, url, redirect_urls, refused_address=refused, tls_problem=tls))


@pytest.mark.parametrize("exc", FAILURES, ids=lambda e: type(e).__name__)
def test_every_failure_type_is_classified(exc: BaseException) -> None:
    outcome = classify_failure(exc, "https://example.org/")
    assert_well_formed(outcome)
    assert outcome.http_status is None


# --- extract_title --------------------------------------------------------------------------

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ENCODINGS = ["utf-8", "utf-16", "cp1252", "cp1251", "shift_jis", "gb18030", "iso-8859-2", "utf-8-sig"]


@st.composite
def html_bodies(draw: st.DrawFn) -> tuple[bytes, str | None]:
    title = draw(st.text(max_size=80))
    wrapper = draw(st.sampled_from([
        "<title>{}</title>", "<html><head><title>{}</title></head>", "<svg><title>x</title></svg><title>{}</title>",
        '<meta property="og:title" content="{}">', "<title>{}", "<!-- <title>{}</title> -->",
        "<script>'</title>'</script><title>{}</title>", "<title>\x1b[31m{}\u202e\n\r\x85</title>",
    ]))
    encoding = draw(st.sampled_from(ENCODINGS))
    body = wrapper.format(title).encode(encoding, errors="replace")
    content_type = draw(st.sampled_from([None, f"text/html; charset={encoding}", "text/html", "text/html; charset=bogus", "", "\x00"]))
    return body, content_type


@FUZZ
@given(st.one_of(st.tuples(st.binary(max_size=4096), st.one_of(st.none(), st.text(max_size=30))), html_bodies()))
def test_extract_title_gives_none_or_one_clean_line(case: tuple[bytes, str | None]) -> None:
    body, content_type = case
    title = extract_title(body, content_type)
    if title is None:
        return
    assert isinstance(title, str) and title
    assert title == title.strip() and "  " not in title
    assert len(title) <= 301
    for ch in title:
        assert not ch.isspace() or ch == " ", repr(title)  # one line: no newline of any kind
        assert unicodedata.category(ch) != "Cc", repr(title)
        assert ch not in BIDI, repr(title)
