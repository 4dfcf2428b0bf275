"""A link-checking and data-freshness crawler for a directory of organisations, on Scrapy."""

__version__ = "0.1.0"
