"""The simulated web plays its scenarios: checked with the standard library, not the crawler."""

from __future__ import annotations

import http.client
import json
import re
import selectors
import socket
import ssl
import struct
import subprocess
import sys
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from crawler.verdict.outcome import Status

if TYPE_CHECKING:
    from conftest import SimWeb

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


def fetch(simweb: SimWeb, host: str, path: str = "/", *, port: int | None = None,
          timeout: float = 5.0) -> Answer:
    """GET `path` from 127.0.0.1 with the Host header of `host` (a scenario name or an address)."""
    port = port or simweb.info["http"]
    name = simweb.hosts[host]["ascii_host"] if host in simweb.hosts else host
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": f"{name}:{port}"})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def fetch_tls(simweb: SimWeb, host: str, port: int, context: ssl.SSLContext) -> Answer:
    """GET / over TLS from 127.0.0.1, sending `host` as SNI and Host (the handshake may raise)."""
    name = simweb.hosts[host]["ascii_host"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            request = f"GET / HTTP/1.1\r\nHost: {name}:{port}\r\nConnection: close\r\n\r\n"
            tls.sendall(request.encode())
            response = http.client.HTTPResponse(tls)
            response.begin()
            return Answer(response.status, response.headers, response.read())


def random_path() -> str:
    return f"/this-page-should-not-exist-{uuid.uuid4().hex[:12]}"


# --- the JSON line ---------------------------------------------------------------------------

LISTENERS = ("http", "https", "https_expired", "https_self_signed", "https_wrong_name",
             "https_bad_handshake", "closed")


def test_json_line_names_a_distinct_port_per_listener_and_the_ca(simweb: SimWeb) -> None:
    ports = [simweb.info[name] for name in LISTENERS]
    assert all(isinstance(p, int) and p > 0 for p in ports)
    assert len(set(ports)) == len(ports)
    assert Path(simweb.ca).read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert date.fromisoformat(simweb.info["expired_on"]) < datetime.now(UTC).date()


def test_every_host_has_a_url_and_an_expected_outcome_from_the_closed_set(simweb: SimWeb) -> None:
    statuses = {s.value for s in Status}
    assert len(simweb.hosts) >= 50
    for host, entry in simweb.hosts.items():
        status, reason = entry["expect"]
        assert status in statuses and reason, host
        assert entry["url"] == f"{entry['scheme']}://{host}:{entry['url'].rsplit(':', 1)[1]}"
    assert simweb.hosts["bücher-beispiel.de"]["ascii_host"] == "xn--bcher-beispiel-gsb.de"
    assert simweb.url("refused.org").endswith(f":{simweb.info['closed']}/")
    expired_port = simweb.info["https_expired"]
    assert simweb.url("expired-cert.org") == f"https://expired-cert.org:{expired_port}/"


def test_resolve_args_cover_every_served_host_on_each_of_its_ports(simweb: SimWeb) -> None:
    args = simweb.resolve_args()
    assert args[0::2] == ["--resolve"] * (len(args) // 2)
    rules = set(args[1::2])
    http, https = simweb.info["http"], simweb.info["https"]
    assert f"ok-site.org:{http}:127.0.0.1" in rules and f"ok-site.org:{https}:127.0.0.1" in rules
    assert f"xn--bcher-beispiel-gsb.de:{http}:127.0.0.1" in rules
    assert f"refused.org:{simweb.info['closed']}:127.0.0.1" in rules
    assert f"self-signed.org:{simweb.info['https_self_signed']}:127.0.0.1" in rules
    assert not any(rule.startswith("no-such-host.invalid:") for rule in rules)


# --- HTTP behaviour by Host header and path --------------------------------------------------

# host, path, status, where to look ("body" or a header name), what must be there.
HTTP_CASES = [
    ("ok-site.org", "/", 200, "body", "<title>Alive &amp; Well</title>"),
    ("www.ok-site.co.uk", "/", 200, "body", "<title>OK Site UK</title>"),
    ("perm-redirect.org", "/", 301, "Location", "http://perm-redirect.org:{http}/new-home/"),
    ("perm-redirect.org", "/new-home/", 200, "body", "<title>"),
    ("perm308.org", "/", 308, "Location", "http://perm308.org:{http}/home/"),
    ("temp-redirect.org", "/", 302, "Location", "http://temp-redirect.org:{http}/welcome/"),
    ("upgrade.org", "/", 301, "Location", "https://upgrade.org:{https}/"),
    ("www-change.org", "/", 301, "Location", "http://www.www-change.org:{http}/"),
    ("chain.org", "/", 301, "Location", "http://chain.org:{http}/step-1/"),
    ("chain.org", "/step-2/", 301, "Location", "http://www.chain.org:{http}/"),
    ("loop.org", "/b", 301, "Location", "http://loop.org:{http}/a"),
    ("moved-away.org", "/", 301, "Location", "http://new-owner.net:{http}/"),
    ("meta-moved.org", "/", 200, "body", 'content="0; url=http://new-owner.net:{http}/"'),
    ("new-owner.net", "/", 200, "body", "<title>New Owner</title>"),
    ("uk-pair.org.uk", "/", 301, "Location", "http://other-pair.org.uk:{http}/"),
    ("forbidden.org", "/", 403, "body", "Forbidden"),
    ("auth.org", "/", 401, "WWW-Authenticate", 'Basic realm="Members"'),
    ("ratelimited.org", "/", 429, "Retry-After", "1"),
    ("challenge-cf.org", "/", 503, "body", "Just a moment..."),
    ("challenge-cf.org", "/", 503, "body", "Checking your browser before accessing"),
    ("challenge-403.org", "/", 403, "body", "Please enable JavaScript and cookies to continue"),
    ("broken.org", "/", 500, "body", "Internal Server Error"),
    ("unavailable.org", "/", 503, "body", "Service Unavailable"),
    ("gone-404.org", "/", 404, "body", "Not Found"),
    ("gone-410.org", "/", 410, "body", "Gone"),
    ("soft404.org", "/", 200, "body", "<title>Page not found</title>"),
    ("forsale-lander.com", "/", 200, "body", "Buy now"),
    ("registrar-hold.net", "/", 200, "body", "This domain has been registered at"),
    ("expired-domain.com", "/", 200, "body", "Renew now"),
    ("sponsored-links.net", "/", 200, "body", "window.location"),
    ("sponsored-links.net", "/lander", 200, "body", "Related Searches"),
    ("fresh-sitemap.org", "/robots.txt", 200, "body",
     "Sitemap: http://fresh-sitemap.org:{http}/sitemap.xml"),
    ("inward-redirect.org", "/", 302, "Location", "http://127.0.0.1:{http}/secret"),
    ("127.0.0.1", "/secret", 200, "body", "internal only"),
]


@pytest.mark.parametrize(("host", "path", "status", "where", "wanted"), HTTP_CASES)
def test_host_and_path_pick_the_answer(simweb: SimWeb, host: str, path: str, status: int,
                                       where: str, wanted: str) -> None:
    answer = fetch(simweb, host, path)
    wanted = wanted.format(http=simweb.info["http"], https=simweb.info["https"])
    assert answer.status == status
    if where == "body":
        assert wanted in answer.text()
    else:
        assert answer.headers[where] == wanted


# Hosts whose every path answers like the home page (catch-alls, blocks, errors, parking).
SAME_ON_EVERY_PATH = {
    "soft404.org", "soft404-home.org", "forsale-lander.com", "registrar-hold.net",
    "expired-domain.com", "sponsored-links.net", "forbidden.org", "auth.org", "ratelimited.org",
    "challenge-cf.org", "challenge-403.org", "broken.org", "unavailable.org", "gone-410.org",
    "slow-basement.org",
    "suspended-host.org", "apache-default.org", "nginx-default.org", "rhel-test.org",
    "builder-placeholder.org", "registrar-placeholder.org", "parked-words.org", "news-mentions.org",
    "taken-over.org", "harbour-rowing.org", "casino-caught.org",
}
NEVER_ANSWER = {"hang.org", "trickle.org", "cut-short.org"}  # never a whole answer
REDIRECT_EVERY_PATH = {"upgrade.org", "moved-away.org", "uk-pair.org.uk", "www-change.org",
                       "inward-redirect.org", "cookie-wall.org", "suspended-cpanel.org"}


def test_every_served_host_answers_an_unknown_path_as_its_scenario_says(simweb: SimWeb) -> None:
    served = [h for h, e in simweb.hosts.items() if e["ports"] and h not in NEVER_ANSWER]
    for host in served:
        answer = fetch(simweb, host, random_path())
        if host in SAME_ON_EVERY_PATH:
            home = fetch(simweb, host, "/")
            assert (answer.status, answer.body) == (home.status, home.body), host
        elif host in REDIRECT_EVERY_PATH:
            assert answer.status in (301, 302), host
        else:
            assert answer.status == 404, host


def test_an_unknown_host_gets_no_scenario(simweb: SimWeb) -> None:
    assert fetch(simweb, "not-in-the-table.org").status == 404


# --- titles, encodings, freshness ------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "encoding", "charset_in_header"),
    [
        ("novosti-partii.ru", "windows-1251", True),
        ("shimin-no-kai.jp", "shift_jis", False),
        ("renmin-luntan.cn", "gb2312", False),
        ("wedkarze.pl", "iso-8859-2", True),
        ("federation-ecologiste.fr", "utf-8-sig", False),
        ("bücher-beispiel.de", "utf-8", True),
    ],
)
def test_titles_arrive_in_their_encoding(simweb: SimWeb, host: str, encoding: str,
                                         charset_in_header: bool) -> None:
    answer = fetch(simweb, host)
    assert answer.status == 200
    assert ("charset=" in answer.headers["Content-Type"]) == charset_in_header
    assert f"<title>{simweb.hosts[host]['title']}</title>" in answer.text(encoding)
    assert answer.body.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")


def test_awkward_titles_are_served_as_described(simweb: SimWeb) -> None:
    svg = fetch(simweb, "svg-title.org").text()
    assert svg.index("<title>icon</title>") < svg.index("<title>Green Valley Co-operative</title>")
    assert "<title>" not in fetch(simweb, "og-title-only.org").text()
    long_title = simweb.hosts["long-title.org"]["title"]
    assert len(long_title) == 5000 and long_title in fetch(simweb, "long-title.org").text()
    messy = fetch(simweb, "messy-title.org").text()
    assert "Tom &amp; Jerry&#8217;s\n" in messy


def newest(dates: list[str]) -> str:
    return max(d[:10] for d in dates)


def test_freshness_signals_carry_the_expected_dates(simweb: SimWeb) -> None:
    expected = {h: e["content_updated"] for h, e in simweb.hosts.items() if "content_updated" in e}
    last_modified = fetch(simweb, "fresh-lastmod.org").headers["Last-Modified"]
    assert parsedate_to_datetime(last_modified).date().isoformat() == expected["fresh-lastmod.org"]
    sitemap = fetch(simweb, "fresh-sitemap.org", "/sitemap.xml").text()
    lastmods = re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)
    assert newest(lastmods) == expected["fresh-sitemap.org"]
    assert 'type="application/rss+xml" title="News" href="/feed.xml"' in fetch(
        simweb, "fresh-feed.org").text()
    feed = fetch(simweb, "fresh-feed.org", "/feed.xml").text()
    published = [parsedate_to_datetime(d).date().isoformat()
                 for d in re.findall(r"<pubDate>([^<]+)</pubDate>", feed)]
    assert newest(published) == expected["fresh-feed.org"]
    json_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>',
                        fetch(simweb, "fresh-jsonld.org").text(), re.S)
    assert json_ld and json.loads(json_ld[1])["dateModified"][:10] == expected["fresh-jsonld.org"]
    stamps = re.findall(r'<time datetime="([^"]+)"', fetch(simweb, "fresh-time.org").text())
    assert newest(stamps) == expected["fresh-time.org"]
    stale = date.fromisoformat(expected["stale-site.org"])
    assert stale < datetime.now(UTC).date() - timedelta(days=3 * 365)


# --- timeouts, refusals, hostile bodies ------------------------------------------------------


def test_hang_never_answers(simweb: SimWeb) -> None:
    with pytest.raises(TimeoutError):
        fetch(simweb, "hang.org", timeout=0.5)


def test_trickle_sends_headers_then_a_byte_a_second(simweb: SimWeb) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", simweb.info["http"], timeout=5)
    try:
        connection.request("GET", "/", headers={"Host": "trickle.org"})
        response = connection.getresponse()
        assert response.status == 200
        # All that has arrived with the headers is one byte: the rest trickles.
        first = response.read1(1024)
        second = response.read1(1024)
        assert (first, second) == (b"<", b"!")
    finally:
        connection.close()


def test_closed_port_refuses(simweb: SimWeb) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", simweb.info["closed"]), timeout=5).close()


def test_huge_page_streams_sixty_megabytes_with_the_title_on_top(simweb: SimWeb) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", simweb.info["http"], timeout=10)
    try:
        connection.request("GET", "/", headers={"Host": "huge.org"})
        response = connection.getresponse()
        assert int(response.headers["Content-Length"]) == 60 * 1024 * 1024
        head = response.read(1024)
        assert b"<title>Archive of Everything</title>" in head
        total, last = len(head), b""
        while piece := response.read(1 << 20):
            total, last = total + len(piece), piece
        assert total == 60 * 1024 * 1024 and last.endswith(b"</html>\n")
    finally:
        connection.close()


def test_gzip_bomb_is_small_on_the_wire_and_a_gigabyte_inflated(simweb: SimWeb) -> None:
    answer = fetch(simweb, "gzip-bomb.org")
    assert answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.body) < 2_000_000
    assert struct.unpack("<I", answer.body[-4:])[0] == 1 << 30  # gzip's ISIZE field
    inflate = zlib.decompressobj(wbits=31)
    start = inflate.decompress(answer.body[:65536], 1 << 24)
    assert len(start) == 1 << 24 and not start.strip(b"\0")  # zeros, and more were waiting


# --- TLS ---------------------------------------------------------------------------------


def trusting(simweb: SimWeb) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=simweb.ca)


@pytest.mark.parametrize("host", ["ok-site.org", "bücher-beispiel.de", "upgrade.org"])
def test_https_listener_verifies_against_the_ca_for_scenario_hosts(simweb: SimWeb,
                                                                   host: str) -> None:
    answer = fetch_tls(simweb, host, simweb.info["https"], trusting(simweb))
    assert answer.status == 200 and b"<title>" in answer.body


@pytest.mark.parametrize(
    ("host", "verify_code"),
    [
        ("expired-cert.org", 10),  # X509_V_ERR_CERT_HAS_EXPIRED
        ("self-signed.org", 18),  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
        ("wrong-name.org", 62),  # X509_V_ERR_HOSTNAME_MISMATCH
    ],
)
def test_bad_certificates_fail_verification(simweb: SimWeb, host: str, verify_code: int) -> None:
    port = int(simweb.url(host).rsplit(":", 1)[1].rstrip("/"))
    with pytest.raises(ssl.SSLCertVerificationError) as failure:
        fetch_tls(simweb, host, port, trusting(simweb))
    assert failure.value.verify_code == verify_code


def test_expired_certificate_ended_on_the_announced_day(simweb: SimWeb) -> None:
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", simweb.info["https_expired"]), timeout=5) as raw:
        with unverified.wrap_socket(raw, server_hostname="expired-cert.org") as tls:
            der = tls.getpeercert(binary_form=True)
    assert der is not None
    not_after = x509.load_der_x509_certificate(der).not_valid_after_utc.date().isoformat()
    assert not_after == simweb.info["expired_on"] == simweb.hosts["expired-cert.org"]["expired_on"]


def test_bad_handshake_port_does_not_speak_tls(simweb: SimWeb) -> None:
    with pytest.raises(ssl.SSLError) as failure:
        fetch_tls(simweb, "bad-handshake.org", simweb.info["https_bad_handshake"], trusting(simweb))
    assert not isinstance(failure.value, ssl.SSLCertVerificationError)


# --- the request log --------------------------------------------------------------------------


def test_request_log_records_each_host_and_path(simweb: SimWeb) -> None:
    simweb.reset()
    assert simweb.requests() == []  # reading the log is not itself recorded
    fetch(simweb, "ok-site.org", "/")
    fetch(simweb, "bücher-beispiel.de", "/?q=1")
    fetch(simweb, "127.0.0.1", "/secret")
    seen = [(r["listener"], r["method"], r["host"], r["path"]) for r in simweb.requests()]
    assert seen == [
        ("http", "GET", "ok-site.org", "/"),
        ("http", "GET", "xn--bcher-beispiel-gsb.de", "/?q=1"),
        ("http", "GET", "127.0.0.1", "/secret"),
    ]
    assert not any(r["host"] == "hang.org" for r in simweb.requests())
    logged = Path(simweb.info["requests_log"]).read_text().splitlines()
    assert json.loads(logged[-1])["path"] == "/secret"


# --- the process contract ---------------------------------------------------------------------


def test_scenario_table_has_one_entry_per_host_and_importing_it_installs_no_reactor() -> None:
    # In a fresh interpreter: this test process may already have a reactor from other tests.
    code = (
        "import sys, crawler.demo.web as s\n"
        "hosts = [x.ascii_host for x in s.SCENARIOS]\n"
        "assert len(hosts) == len(set(hosts)), 'duplicate host'\n"
        "assert 'twisted.internet.reactor' not in sys.modules, 'import installed a reactor'\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)



@pytest.mark.parametrize("how", ["close-stdin", "sigterm"])
def test_server_stops_when_stdin_closes_or_on_sigterm(tmp_path: Path, how: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.web", "--state-dir", str(tmp_path)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        with selectors.DefaultSelector() as selector:  # wait for the line, with a deadline
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=60), "no JSON line within 60 s"
        info = json.loads(process.stdout.readline())
        assert (tmp_path / "ca.pem").exists() and info["ca"] == str(tmp_path / "ca.pem")
        if how == "close-stdin":
            process.stdin.close()
        else:
            process.terminate()
        assert process.wait(timeout=15) == 0
        assert process.stdout.read() == b""  # the JSON line was the only output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


# --- what the issue-12 scenarios play -----------------------------------------------------------


def test_the_cookie_wall_serves_its_page_only_with_its_cookie(simweb: SimWeb) -> None:
    first = fetch(simweb, "cookie-wall.org", "/")
    assert first.status == 302 and first.headers["Location"] == "/"
    cookie = first.headers["Set-Cookie"].split(";", 1)[0]
    port = simweb.info["http"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/", headers={"Host": f"cookie-wall.org:{port}", "Cookie": cookie})
        answer = connection.getresponse()
        assert answer.status == 200 and b"<title>Cookie Wall Cooperative</title>" in answer.read()
    finally:
        connection.close()


def test_the_cut_short_page_ends_before_its_announced_length(simweb: SimWeb) -> None:
    with pytest.raises(http.client.IncompleteRead) as cut:
        fetch(simweb, "cut-short.org", "/")
    assert b"<title>Slow Line Allotment Society</title>" in cut.value.partial
    assert cut.value.expected and cut.value.expected > 30_000


def test_the_short_chain_verifies_only_with_the_issuer_its_leaf_names(simweb: SimWeb) -> None:
    port = simweb.info["https_incomplete"]
    context = ssl.create_default_context(cafile=simweb.ca)
    with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer"):
        fetch_tls(simweb, "chain-incomplete.org", port, context)
    # The leaf names its caIssuers URL; what that serves completes the chain.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
        with unverified.wrap_socket(raw, server_hostname="chain-incomplete.org") as tls:
            leaf = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
    access = leaf.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    url = access[0].access_location.value
    service = simweb.info["services"]["ca_issuers"]
    assert url == f"http://{service['host']}:{simweb.info['http']}/intermediate.der"
    issuer = fetch(simweb, service["host"], "/intermediate.der")
    assert issuer.headers["Content-Type"] == "application/pkix-cert"
    intermediate = x509.load_der_x509_certificate(issuer.body)
    assert intermediate.subject == leaf.issuer
    context.load_verify_locations(cadata=intermediate.public_bytes(serialization.Encoding.PEM).decode())
    assert fetch_tls(simweb, "chain-incomplete.org", port, context).status == 200


def test_the_rdap_server_answers_rfc_9083_records(simweb: SimWeb) -> None:
    rdap = simweb.info["services"]["rdap"]
    bootstrap = json.loads(Path(simweb.rdap_bootstrap).read_text())
    (tlds, urls), = bootstrap["services"]
    assert "org" in tlds and urls == [f"https://{rdap['host']}:{simweb.info['https']}/rdap/"]
    found = json.loads(fetch(simweb, rdap["host"], "/rdap/domain/ok-site.org").text())
    events = {e["eventAction"]: e["eventDate"][:10] for e in found["events"]}
    assert found["objectClassName"] == "domain" and events["registration"] == "2009-05-14"
    assert events["expiration"] > events["registration"]
    assert fetch(simweb, rdap["host"], "/rdap/domain/gone-410.org").status == 404
    assert fetch(simweb, rdap["host"], "/rdap/domain/not-in-the-table.org").status == 404
