"""Relevance ranking (issue 12): which of a topic's matching papers a destination sees first,
and why. Keyword hits, followed authors, similarity to the topic (embeddings, or BM25 when no
embedding endpoint is configured) and the destination's own 👍/👎/Save.

numpy is imported inside the functions that use it, not at module level: `paperbot run`
imports these modules at start-up, and numpy (~70 ms, ~15 MB) is needed only once a digest
is ranked (tests/test_startup.py checks it stays out)."""
