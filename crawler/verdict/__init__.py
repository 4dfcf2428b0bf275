"""What happened to a check, as one `Outcome`: the classifier and everything it reads.

`outcome` (the closed types), `classify` (the one place a response or a failure becomes an
Outcome), `page_signals` (the one table of page-text signals), `title`, `freshness` and
`domains`. Nothing in this wing does I/O or knows Scrapy's engine.
"""
