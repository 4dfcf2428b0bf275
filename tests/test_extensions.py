"""Extensions whose effect a crawl's result cannot show: the garbage-collector tuning."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions import GarbageCollection


@pytest.fixture
def collector_untouched() -> Iterator[tuple[int, ...]]:
    """Python's collector settings before the test, put back whatever the test does."""
    before = gc.get_threshold()
    yield before
    gc.unfreeze()
    gc.set_threshold(*before)


def test_collector_runs_less_often_during_the_crawl_and_as_before_after(
    collector_untouched: tuple[int, ...],
) -> None:
    crawler = get_crawler(settings_dict={"CRAWLER_GC_THRESHOLD": 12_345, "MEMUSAGE_ENABLED": False})
    extension = GarbageCollection.from_crawler(crawler)  # signals hold their receivers weakly
    crawler.signals.send_catch_log(signals.engine_started)
    young, *older = gc.get_threshold()
    assert young == 12_345
    assert older == list(collector_untouched[1:])
    assert gc.get_freeze_count() > 0  # what the crawl holds for its whole run is not walked
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == collector_untouched
    assert gc.get_freeze_count() == 0
    assert extension.saved is None


def test_zero_leaves_the_collector_alone() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(get_crawler(settings_dict={"CRAWLER_GC_THRESHOLD": 0}))
