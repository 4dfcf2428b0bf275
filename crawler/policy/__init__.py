"""A directory's own policy: its `crawler.toml` (config, with toml_lines finding each key's
line), the decisions its entries carry (decisions), and which entries a crawl checks when
(schedule)."""
