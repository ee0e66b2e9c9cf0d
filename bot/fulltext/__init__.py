"""Full text on demand (issue 15): a paper's arXiv HTML or PDF, read into sections for a
deep card, with its first figure. Never fetched for a whole digest, only when asked."""
