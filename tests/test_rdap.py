"""RDAP: the bootstrap file (bundled, refreshed on request), records, warnings, and the CLI."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import SimWeb, run_crawler, write_directory

from crawler.verdict.outcome import WarningCode
from crawler.verdict.rdap import BUNDLED, Bootstrap, parse_record, warnings_for


def test_the_bundled_snapshot_knows_the_common_registries() -> None:
    bootstrap = Bootstrap.load()
    assert bootstrap.source == str(BUNDLED) and bootstrap.publication
    assert bootstrap.url_for("example.org") == "https://rdap.publicinterestregistry.org/rdap/domain/example.org"
    assert bootstrap.url_for("socialistparty.org.uk") == "https://rdap.nominet.uk/uk/domain/socialistparty.org.uk"
    assert bootstrap.url_for("example.com") == "https://rdap.verisign.com/com/v1/domain/example.com"
    assert bootstrap.url_for("example.internal") is None  # no registry listed: never asked


def test_a_bootstrap_prefers_https_and_the_longest_suffix() -> None:
    text = json.dumps({"version": "1.0", "publication": "2026-11-30T00:00:00Z", "services": [
        [["org"], ["http://plain.example/rdap", "https://secure.example/rdap"]],
        [["co.example"], ["https://longer.example/"]],
        [["example"], ["https://shorter.example/"]],
    ]})
    bootstrap = Bootstrap.parse(text, "test")
    assert bootstrap.url_for("a.org") == "https://secure.example/rdap/domain/a.org"
    assert bootstrap.url_for("a.co.example") == "https://longer.example/domain/a.co.example"
    assert bootstrap.url_for("b.example") == "https://shorter.example/domain/b.example"


@pytest.mark.parametrize(
    ("text", "words"),
    [("not json", "not JSON"), ('{"services": 3}', "no 'services'"),
     ('{"services": [["org"]]}', re.escape("not [[TLDs], [URLs]]")), ('{"services": []}', "lists no registry")],
)
def test_a_bad_bootstrap_is_refused_with_its_reason(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Bootstrap.parse(text, "bad.json")


def test_records_give_registration_and_expiration() -> None:
    record = parse_record(json.dumps({"objectClassName": "domain", "events": [
        {"eventAction": "last changed", "eventDate": "2026-01-01T00:00:00Z"},
        {"eventAction": "registration", "eventDate": "1997-08-14T04:00:00.000+00:00"},
        {"eventAction": "expiration", "eventDate": "2027-08-13T04:00:00Z"},
    ]}).encode())
    assert (record.registered, record.expires) == (date(1997, 8, 14), date(2027, 8, 13))
    assert parse_record(b'{"objectClassName": "domain"}').registered is None
    for bad in (b"<html>", b"[]", b'{"objectClassName": "entity"}', b'{"events": 3}'):
        with pytest.raises(ValueError):
            parse_record(bad)


def test_warnings_of_a_registration() -> None:
    today = date(2026, 12, 1)
    assert warnings_for("found", date(2026, 12, 20), today) == (WarningCode.DOMAIN_EXPIRES_SOON,)
    assert warnings_for("found", date(2026, 11, 20), today) == (WarningCode.DOMAIN_EXPIRES_SOON,)
    assert warnings_for("found", date(2027, 3, 1), today) == ()
    assert warnings_for("not-found", None, today) == (WarningCode.DOMAIN_NOT_REGISTERED,)
    assert warnings_for(None, None, today) == ()


def test_rdap_bootstrap_command_shows_and_refreshes(simweb: SimWeb, tmp_path: Path) -> None:
    shown = run_crawler("rdap-bootstrap", "--out", str(tmp_path / "none-yet.json"))
    assert shown.returncode == 0 and "rdap_dns.json" in shown.stdout  # the bundled snapshot
    out = tmp_path / "data" / "rdap-dns.json"
    url = f"http://127.0.0.1:{simweb.info['http']}/rdap/dns.json"
    refreshed = run_crawler("rdap-bootstrap", "--refresh", "--url", url, "--out", str(out))
    assert refreshed.returncode == 0, refreshed.stderr
    assert Bootstrap.load(out).url_for("example.org", ).startswith("https://rdap.simweb.test:")
    assert run_crawler("rdap-bootstrap", "--out", str(out)).stdout.startswith(f"{out}: ")
    # A failed refresh leaves the file as it was.
    before = out.read_bytes()
    bad = run_crawler("rdap-bootstrap", "--refresh", "--url", f"http://127.0.0.1:{simweb.info['http']}/secret",
                      "--out", str(out))
    assert bad.returncode == 2 and "not JSON" in bad.stderr
    assert out.read_bytes() == before


def test_an_unusable_bootstrap_is_a_usage_error_before_any_request(simweb: SimWeb, tmp_path: Path) -> None:
    directory = write_directory(tmp_path / "d.yaml", {"a": simweb.url("ok-site.org")})
    (tmp_path / "bad.json").write_text("{}")
    simweb.reset()
    result = run_crawler("crawl", "--directory", str(directory), "--db", str(tmp_path / "h.sqlite3"),
                         "--reports", str(tmp_path / "r"), "--rdap-bootstrap", str(tmp_path / "bad.json"),
                         *simweb.resolve_args())
    assert result.returncode == 2 and "bad.json" in result.stderr
    assert simweb.requests() == [] and not (tmp_path / "h.sqlite3").exists()
