"""The closed set of verdicts a check can reach (the spec's outcome categories), and of a run.

Everything downstream -- history, reports, the CI gate -- asks its policy questions
through the predicates here, so adding a status forces every question to be answered
for it (`assert_never` makes a missed case a type error and a runtime error). The store
hands rows back typed with these (`crawler.store.rows`), never as bare strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from crawler.errors import UsageError


class Status(StrEnum):
    OK = "ok"
    REDIRECTED = "redirected"
    MOVED = "moved"
    PARKED = "parked"
    BLOCKED = "blocked"
    SERVER_ERROR = "server-error"
    DEAD = "dead"
    NO_WEBSITE = "no-website"
    REFUSED_BY_POLICY = "refused-by-policy"

    @property
    def verified(self) -> bool:
        """The site answered as itself: this check renews `last_verified`."""
        match self:
            case Status.OK | Status.REDIRECTED:
                return True
            case (
                Status.MOVED
                | Status.PARKED
                | Status.BLOCKED
                | Status.SERVER_ERROR
                | Status.DEAD
                | Status.NO_WEBSITE
                | Status.REFUSED_BY_POLICY
            ):
                return False
            case _:
                assert_never(self)

    @property
    def failing(self) -> bool:
        """The check counts towards `failing_since` / `consecutive_failures`.

        `blocked` is not a failure: the site answered, it just would not talk to a robot.
        `no-website` is a state of the directory, not of a site.
        """
        match self:
            case Status.MOVED | Status.PARKED | Status.SERVER_ERROR | Status.DEAD:
                return True
            case Status.REFUSED_BY_POLICY:
                return True
            case Status.OK | Status.REDIRECTED | Status.BLOCKED | Status.NO_WEBSITE:
                return False
            case _:
                assert_never(self)

    @property
    def answered(self) -> bool:
        """Something on the network answered (used to tell a dead site from a dead network)."""
        match self:
            case (
                Status.OK
                | Status.REDIRECTED
                | Status.MOVED
                | Status.PARKED
                | Status.BLOCKED
                | Status.SERVER_ERROR
            ):
                return True
            case Status.DEAD | Status.NO_WEBSITE | Status.REFUSED_BY_POLICY:
                # A dead verdict may still come from an HTTP answer (404, soft 404):
                # `Outcome.answered` refines this with the HTTP status.
                return False
            case _:
                assert_never(self)

    @property
    def reaches_network(self) -> bool:
        """A check of this status went out on the network (to judge "network unavailable")."""
        match self:
            case Status.NO_WEBSITE | Status.REFUSED_BY_POLICY:
                return False  # nothing listed, or refused before any connection
            case (
                Status.OK
                | Status.REDIRECTED
                | Status.MOVED
                | Status.PARKED
                | Status.BLOCKED
                | Status.SERVER_ERROR
                | Status.DEAD
            ):
                return True
            case _:
                assert_never(self)


class Reason(StrEnum):
    """Why a check ended in its status, in the spec's words.

    An HTTP status is a reason too, written ``http-NNN`` (`http_reason`); those are not
    members, since any code can come back. Every other reason is one of these.
    """

    OK = "ok"
    HTTPS_UPGRADE = "https-upgrade"  # redirected: only http -> https on the same host and path
    REDIRECT = "redirect"  # moved by HTTP redirects
    META_REFRESH = "meta-refresh"  # moved by a <meta http-equiv=refresh>
    PARKED = "parked"
    CHALLENGE = "challenge"  # blocked by a bot challenge
    SOFT_404 = "soft-404"
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    REDIRECT_LOOP = "redirect-loop"
    TOO_LARGE = "too-large"  # the body inflates past the size cap
    HEADERS_TOO_LARGE = "headers-too-large"  # the response head goes past its caps
    UNREACHABLE = "unreachable"  # a connection error other than a refusal
    CONNECTION = "connection"  # the connection failed in another way
    IGNORED = "ignored"  # Scrapy dropped the request for a reason of its own
    NO_WEBSITE = "no-website"
    PRIVATE_ADDRESS = "private-address"
    SCRIPT = "script"  # moved by a page whose only job is a script redirect
    SUSPENDED = "suspended"  # dead: a hosting panel's "account suspended" page
    SERVER_DEFAULT = "server-default"  # dead: a web server's stock welcome or test page
    PLACEHOLDER = "placeholder"  # parked: a website builder's or registrar's "coming soon" page


def http_reason(code: int) -> str:
    """The reason for an HTTP status that decided a verdict: ``http-404``."""
    return f"http-{code}"


def parse_reason(text: str) -> str:
    """A stored reason typed again: the `Reason` member it names, else the text as it is
    (an ``http-NNN`` reason, or one an older or newer crawler wrote)."""
    try:
        return Reason(text)
    except ValueError:
        return text


class Network(StrEnum):
    """A run's verdict on the network it ran on (the `runs.network` column)."""

    RUNNING = "running"  # in progress
    AVAILABLE = "available"  # something answered: the checks stand
    UNAVAILABLE = "unavailable"  # nothing answered, or the canary failed: the checks were discarded
    INTERRUPTED = "interrupted"  # the crawl was killed or stopped; the checks it made stand

    @property
    def counted(self) -> bool:
        """The run's checks count towards every entry's history."""
        match self:
            case Network.AVAILABLE | Network.INTERRUPTED:
                return True
            case Network.RUNNING | Network.UNAVAILABLE:
                return False
            case _:
                assert_never(self)


#: Reasons of a `dead` verdict that still prove a server answered: a TLS handshake got a
#: reply, a redirect loop, an oversized body and an oversized head came over HTTP.
ANSWERED_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.TLS, Reason.REDIRECT_LOOP, Reason.TOO_LARGE, Reason.HEADERS_TOO_LARGE, Reason.SOFT_404,
        Reason.SUSPENDED, Reason.SERVER_DEFAULT,
    }
)

#: What `check --fail-on` uses when the user gives nothing.
DEFAULT_FAIL_ON: frozenset[Status] = frozenset(
    {Status.DEAD, Status.PARKED, Status.MOVED, Status.REFUSED_BY_POLICY}
)


class Identity(StrEnum):
    """Whether the site at the listed address is still the organisation's (`crawler.verdict.identity`)."""

    CONFIRMED = "confirmed"  # the page names the organisation
    UNCONFIRMED = "unconfirmed"  # nothing names it, nothing contradicts
    LOST = "lost"  # positive evidence that someone else now holds the address


class WarningCode(StrEnum):
    """Things a maintainer should know that do not change a check's status (the spec's codes)."""

    TLS_CHAIN_INCOMPLETE = "tls-chain-incomplete"  # the server omits an intermediate certificate
    TRUNCATED = "truncated"  # the connection ended before the announced end of the body
    DOMAIN_EXPIRES_SOON = "domain-expires-soon"  # RDAP: the registration ends within 30 days
    DOMAIN_REREGISTERED = "domain-re-registered"  # RDAP: registered after the last confirmed check
    DOMAIN_NOT_REGISTERED = "domain-not-registered"  # RDAP: the registry holds no such domain
    # The entry's time budget ran out before its extra requests (probe, feed, sitemap) were
    # all made: the verdict stands, the content date may be missing.
    BUDGET_CUT = "budget-cut"
    # A maintainer's decision about the entry (crawler.decisions) is past its end: remove or
    # renew it. Not a check's warning: the reports add it to the latest check's.
    DECISION_EXPIRED = "decision-expired"


def parse_warnings(text: str | None) -> tuple[str, ...]:
    """Stored warnings (comma-separated codes) typed again: members where they name one."""
    codes: list[str] = []
    for code in (text or "").split(","):
        if not code:
            continue
        try:
            codes.append(WarningCode(code))
        except ValueError:
            codes.append(code)  # one an older or newer crawler wrote
    return tuple(codes)


def parse_identity(text: str | None) -> Identity | None:
    """A stored identity typed again (None when none was judged, or an unknown word)."""
    try:
        return Identity(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One check's verdict: a status, a machine-readable reason and a human detail."""

    status: Status
    reason: str  # a `Reason`, or `http_reason(code)`
    detail: str = ""
    http_status: int | None = None
    final_url: str | None = None
    title: str | None = None
    content_updated: str | None = None  # ISO date (YYYY-MM-DD) the site gives for its content
    warnings: tuple[str, ...] = ()  # `WarningCode`s, in the order they were found
    identity: Identity | None = None  # None: nothing answered, or not judged
    identity_detail: str = ""  # the identity's evidence, in words

    @property
    def answered(self) -> bool:
        """True when some server answered, whatever it said."""
        return (
            self.status.answered or self.http_status is not None or self.reason in ANSWERED_REASONS
        )


def parse_statuses(text: str) -> frozenset[Status]:
    """Parse a comma-separated list such as ``dead,parked`` (for ``--fail-on``).

    Raises UsageError naming the unknown word and the valid ones.
    """
    chosen: set[Status] = set()
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        try:
            chosen.add(Status(word))
        except ValueError:
            valid = ", ".join(s.value for s in Status)
            raise UsageError(f"unknown status {word!r} (valid: {valid})") from None
    return frozenset(chosen)
