"""A directory's own policy: its `crawler.toml` (config, with toml_lines finding each key's
line) and which entries a crawl checks when (schedule). The decisions single entries carry
are `crawler.decisions`, a floor below: the directory file itself holds them."""
