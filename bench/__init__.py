"""The benchmark: data generator, bare baseline views, query-count middleware and the load driver (see README)."""
