"""`benchmarks.breakdown`'s floor: one request per URL, nothing done with the answer.

Run with ``scrapy runspider`` from the checkout (so our settings apply) and FLOOR_URLS
naming the URL list `benchmarks.gen_directory` writes.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import scrapy


class FloorSpider(scrapy.Spider):
    name = "floor"

    async def start(self) -> AsyncIterator[Any]:
        with open(os.environ["FLOOR_URLS"], encoding="utf-8") as urls:
            for line in urls:
                yield scrapy.Request(line.strip(), callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Any) -> list[Any]:
        return []

    def failed(self, failure: Any) -> list[Any]:
        return []
