"""``python -m crawler.jobs FD``: one child crawl of ``crawler crawl --jobs N`` (not for users)."""

import sys

from crawler.jobs.child import run

sys.exit(run(int(sys.argv[1])))
