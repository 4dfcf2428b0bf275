"""Why a connection failed, as the layers below Scrapy's exceptions saw it.

Scrapy builds the name resolver and the TLS context factory without giving them a way
to annotate the request, and its download exceptions say only "could not resolve" or
"download failed". The resolver and the TLS layer therefore note here, per host name,
what they refused or what the certificate problem was; the spider's errback reads the
note when it classifies the failure. One crawl runs per process, so one record per
process is enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Diagnostics:
    refusals: dict[str, str] = field(default_factory=dict)  # host -> inward address refused
    tls: dict[str, str] = field(default_factory=dict)  # host -> certificate problem, in words
    # host -> whether its server left out an intermediate certificate that we fetched from
    # its caIssuers URL and verified (`crawler.net.chains`)
    completed: dict[str, bool] = field(default_factory=dict)

    def refused_address(self, host: str) -> str | None:
        return self.refusals.get(host.lower())

    def tls_problem(self, host: str) -> str | None:
        return self.tls.get(host.lower())

    def chain_completed(self, host: str) -> bool:
        return self.completed.get(host.lower(), False)


DIAGNOSTICS = Diagnostics()
