"""Write the rendered archive to a folder, touching only files whose bytes changed.

Each file is written to a temporary name and renamed over the old one, so a reader (the
server, a browser, rsync) never sees half a page. A manifest lists the files this builder
wrote; one it wrote before and no longer produces (a topic removed from the config) is
deleted, and nothing else in the folder ever is.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from adapters.web.archive import collect
from adapters.web.config import WebConfig
from adapters.web.pages import SiteOptions, SiteRenderer
from bot.models import Topic
from bot.ports import ArchiveStore, PaperStore

log = logging.getLogger(__name__)

MANIFEST = ".paperbot-site.json"


@dataclass
class BuildReport:
    """What one build did: paths written (new or changed), unchanged and removed counts."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return len(self.written) + self.unchanged

    def summary(self) -> str:
        return (f"{self.total} files, {len(self.written)} written, {self.unchanged} unchanged, "
                f"{len(self.removed)} removed in {self.seconds:.2f} s")


def _write_if_changed(target: Path, data: bytes) -> bool:
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    return True


def write_files(out: Path, files: Iterable[tuple[str, bytes]]) -> BuildReport:
    """Write `files` (relative path → bytes) under `out`; returns what changed."""
    started = time.perf_counter()
    report = BuildReport()
    out.mkdir(parents=True, exist_ok=True)
    produced: list[str] = []
    # Index pages go last, so a reader never follows a link to a page not written yet.
    indexes: list[tuple[str, bytes]] = []
    for relative, data in files:
        if Path(relative).name == "index.html":
            indexes.append((relative, data))
            continue
        produced.append(relative)
        if _write_if_changed(out / relative, data):
            report.written.append(relative)
        else:
            report.unchanged += 1
    for relative, data in indexes:
        produced.append(relative)
        if _write_if_changed(out / relative, data):
            report.written.append(relative)
        else:
            report.unchanged += 1
    manifest = out / MANIFEST
    try:
        before = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        before = set()
    for stale in sorted(before - set(produced)):
        path = out / stale
        if ".." not in Path(stale).parts and path.is_file():
            path.unlink()
            report.removed.append(stale)
    _write_if_changed(manifest, json.dumps(sorted(produced), indent=0).encode())
    report.seconds = time.perf_counter() - started
    return report


def build_site(
    out: Path,
    topics: Sequence[Topic],
    papers: PaperStore,
    archive: ArchiveStore,
    web: WebConfig,
    language: str,
) -> BuildReport:
    """Read the archive from the store and write the whole site under `out`."""
    started = time.perf_counter()
    data = collect(topics, papers, archive, web.language or language)
    options = SiteOptions(web.title, web.base_url, web.feed_entries)
    report = write_files(out, SiteRenderer(data, options).files())
    report.seconds = time.perf_counter() - started
    log.info("web: site in %s: %s", out, report.summary())
    return report
