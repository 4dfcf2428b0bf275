"""Certificate chains that servers send short, completed as browsers complete them.

A server should send its leaf certificate and the intermediates up to a trusted root; some
send the leaf alone. OpenSSL then cannot find the leaf's issuer and fails the handshake
(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, then ..._UNABLE_TO_VERIFY_LEAF_SIGNATURE),
while every browser fetches the issuer from the leaf's Authority Information Access
(caIssuers) URL and goes on. So do we:

1. the handshake's verification (`crawler.net.handler`) notes the host and its leaf's caIssuers
   URL in `CHAINS.wanted` and fails as before;
2. `crawler.middlewares.ChainCompletionMiddleware` fetches that URL over plain HTTP through
   Scrapy's downloader (the address guard included; at most `MAX_ISSUER_BYTES`), keeps the
   certificates it holds in `CHAINS.issuers`, and sends the request again;
3. on that handshake the verification builds the chain with the fetched certificates as
   untrusted intermediates and verifies it against the same trust store as any other
   (`SSL_CERT_FILE` honoured): dates, signatures, a trusted root. Only then is the leaf
   accepted (and its host name checked as usual), and `DIAGNOSTICS.completed` marks the host
   for the `tls-chain-incomplete` warning.

Any other problem -- an expired or self-signed certificate, a wrong name, an issuer that does
not verify -- fails as it always did. One crawl runs per process: one record per process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import AuthorityInformationAccessOID
from OpenSSL import SSL
from OpenSSL.crypto import X509, X509StoreContext, X509StoreContextError

#: OpenSSL's errors for a leaf whose issuer is not at hand (x509_vfy.h).
MISSING_ISSUER = frozenset({20, 21})
MAX_ISSUER_BYTES = 64 * 1024  # a certificate is 1-2 KB; a PKCS#7 bundle of a few, under 10 KB
_MAX_ISSUERS = 4  # certificates used from one caIssuers answer
_CACHE_LIMIT = 1024  # URLs and leaves remembered


def ca_issuers_url(cert: X509) -> str | None:
    """The first plain-HTTP caIssuers URL of the certificate's Authority Information Access."""
    try:
        access = cert.to_cryptography().extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except (x509.ExtensionNotFound, ValueError):
        return None
    for description in access.value:
        location = description.access_location
        if (
            description.access_method == AuthorityInformationAccessOID.CA_ISSUERS
            and isinstance(location, x509.UniformResourceIdentifier)
            and location.value.lower().startswith("http://")
        ):
            return location.value
    return None


def parse_issuers(body: bytes) -> list[X509]:
    """The certificates of a caIssuers answer: DER (the usual), PEM, or a PKCS#7 bundle.
    Raises ValueError when the body holds none."""
    loaders = (
        lambda data: [x509.load_der_x509_certificate(data)],
        x509.load_pem_x509_certificates,
        pkcs7.load_der_pkcs7_certificates,
        pkcs7.load_pem_pkcs7_certificates,
    )
    for load in loaders:
        try:
            certificates = load(body)
        except (ValueError, TypeError):
            continue
        if certificates:
            return [X509.from_cryptography(c) for c in certificates[:_MAX_ISSUERS]]
    raise ValueError("no certificate in the caIssuers answer")


@dataclass
class Completions:
    """What this process knows about short chains (see the module doc)."""

    wanted: dict[str, str] = field(default_factory=dict)  # host -> its leaf's caIssuers URL
    issuers: dict[str, list[X509]] = field(default_factory=dict)  # caIssuers URL -> what it served
    _verified: dict[bytes, bool] = field(default_factory=dict)  # leaf digest -> completed chain verifies

    def completes(self, connection: SSL.Connection, leaf: X509) -> bool:
        """Whether the intermediates fetched for this leaf's caIssuers URL complete a chain that
        verifies against the connection's trust store (the answer is remembered per leaf)."""
        digest = leaf.digest("sha256")
        if digest in self._verified:
            return self._verified[digest]
        url = ca_issuers_url(leaf)
        intermediates = self.issuers.get(url or "")
        if not intermediates:
            return False  # not fetched yet: nothing remembered, so the retry verifies afresh
        try:
            store = connection.get_context().get_cert_store()
            X509StoreContext(store, leaf, chain=intermediates).verify_certificate()
            verified = True
        except (X509StoreContextError, SSL.Error):
            verified = False
        if len(self._verified) >= _CACHE_LIMIT:
            self._verified.clear()
        self._verified[digest] = verified
        return verified

    def remember(self, url: str, certificates: list[X509]) -> None:
        if len(self.issuers) >= _CACHE_LIMIT:
            self.issuers.clear()
        self.issuers[url] = certificates


CHAINS = Completions()
