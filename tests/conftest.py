"""Shared fixtures. An autouse guard fails any test that opens a non-loopback socket."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "arxiv-samples"

_real_connect = socket.socket.connect
_LOOPBACK = ("127.", "::1", "localhost")


def _guarded_connect(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(_LOOPBACK):
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's real keys."""
    for name in ("OPENAI_API_KEY", "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "PAPERBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"arXiv samples not found at {SAMPLES}: clone with ../shared beside the repo")
    return SAMPLES


@pytest.fixture
def fake_arxiv():  # type: ignore[no-untyped-def]
    from tests.fakes.fake_arxiv import FakeArxiv

    with FakeArxiv() as fake:
        yield fake


@pytest.fixture
def fake_llm():  # type: ignore[no-untyped-def]
    from tests.fakes.fake_llm import FakeLLM

    with FakeLLM() as fake:
        yield fake
