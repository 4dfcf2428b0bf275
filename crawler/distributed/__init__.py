"""One crawl shared by several crawler processes on one machine or many: the crawl itself
(crawl: the coordinator, the workers, their spider and pipeline) over leased entries in Redis
(leases) and one PostgreSQL store."""
