"""The composition root: the only package in `bot/` that imports adapters, storage and SDKs.

`app` builds the parts, `run` is `paperbot run`, `cli` holds the command-line verbs.
Nothing else in `bot/` imports this package.
"""
