"""Relevance ranking (issue 12): which of a topic's matching papers a destination sees first,
and why. Keyword hits, followed authors, similarity to the topic (embeddings, or BM25 when no
embedding endpoint is configured) and the destination's own 👍/👎/Save."""
