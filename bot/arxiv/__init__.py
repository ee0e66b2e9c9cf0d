"""arXiv: announcements (RSS), metadata (API), ids and categories.

Importing this package costs nothing: `source` loads the `arxiv` package, feedparser and
lxml at its first request, so `paperbot run` does not wait for them before it is ready.
"""

USER_AGENT = "paperbot/0.1 (arXiv digest bot)"
