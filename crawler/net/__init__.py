"""How a request reaches a site: name resolution and the address guard, the connection,
the HTTP/HTTPS download handler, and the notes they leave for the classifier."""
