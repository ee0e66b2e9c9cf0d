"""End to end: the real `paperbot` process against the arXiv and LLM stand-ins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_helpers import listing_papers, paperbot, stand_in_env
from tests.fakes.fake_arxiv import Fault

EXAMPLE = "config.example.toml"


def _one_line_error(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.startswith("paperbot:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_llm_digest_has_every_field_and_no_raw_model_output(
    tmp_path: Path, fake_arxiv, fake_llm
) -> None:
    fake_arxiv.set_listing(listing_papers())
    fake_llm.script("think", times=3)
    fake_llm.script("fence", times=3)
    fake_llm.always("prose")
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)

    result = paperbot("digest", "--config", EXAMPLE, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)
    papers = digest["topics"][0]["papers"]
    assert digest["topics"][0]["name"] == "R1_Reasoning" and len(papers) >= 5
    for p in papers:
        assert p["summary_source"] == "llm"
        assert p["summary"] and 4 <= len(p["key_takeaways"]) <= 7
        assert p["title_translation"].startswith("[zh]")
        assert p["abstract_translation"].startswith("[zh]")
        assert p["links"]["papers_cool"] == f"https://papers.cool/arxiv/{p['id']}"
        assert p["authors"] and p["categories"] and p["primary_category"]
    assert any(p["comment"] for p in papers)  # merged from the API by id_list
    calls = fake_llm.count
    assert calls == len(papers)

    markdown = paperbot("digest", "--config", EXAMPLE, env=env)
    assert markdown.returncode == 0
    for leak in ("<think>", "</think>", "```", '{"summary"', '"key_takeaways"'):
        assert leak not in markdown.stdout
    assert fake_llm.count == calls  # the second run made zero LLM calls
    assert "summary unavailable" not in markdown.stdout


def test_example_config_without_key_prints_offline_digest(tmp_path: Path, fake_arxiv) -> None:
    fake_arxiv.set_listing(listing_papers())
    env = stand_in_env(tmp_path, fake_arxiv)
    result = paperbot("digest", "--config", EXAMPLE, env=env)
    assert result.returncode == 0, result.stderr
    assert "离线摘要(未配置大语言模型)" in result.stdout  # "offline summary (no LLM configured)"
    assert result.stdout.count("### [") >= 5
    assert "note: no LLM configured" in result.stderr
    listing_and_metadata = [r.kind for r in fake_arxiv.requests]
    assert listing_and_metadata == ["rss", "api"]  # one listing + one id_list batch


def test_summarize_json_is_one_paper_object(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    result = paperbot(
        "summarize",
        "https://arxiv.org/abs/1706.03762v7",
        "--lang",
        "zh",
        "--format",
        "json",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    assert card["id"] == "1706.03762" and card["title"] == "Attention Is All You Need"
    assert card["summary_source"] == "llm" and card["abstract_translation"].startswith("[zh]")


def test_translate_text_and_paper(tmp_path: Path, fake_arxiv, fake_llm) -> None:
    env = stand_in_env(tmp_path, fake_arxiv, fake_llm, key=True)
    text = paperbot("translate", "Attention is all you need.", "--lang", "ja", env=env)
    assert text.returncode == 0, text.stderr
    assert "[ja] Attention is all you need." in text.stdout
    paper = paperbot("translate", "1706.03762", "--lang", "zh", env=env)
    assert paper.returncode == 0, paper.stderr
    assert "[zh] Attention Is All You Need" in paper.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("summarize", "abc"), "'abc' is not an arXiv id"),
        (("summarize", "2501.99999"), "arXiv has no paper 2501.99999"),
        (("summarize", "1706.03762", "--lang", "xx"), "'xx' is not a language I know"),
        (("digest", "--topic", "Nope"), "Unknown topic 'Nope'"),
        (("translate", "hello", "--lang", "zh"), "Translation needs a language model"),
        (("translate", "x" * 10_000, "--lang", "zh"), "the most is 4,000"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, fake_arxiv, args: tuple[str, ...], expected: str
) -> None:
    env = stand_in_env(tmp_path, fake_arxiv)
    if args[0] == "translate" and len(args[1]) > 100:
        env["OPENAI_API_KEY"] = "test-key"
    result = paperbot(*args[:1], "--config", EXAMPLE, *args[1:], env=env)
    assert result.returncode == 2
    assert expected in _one_line_error(result.stderr)
    assert result.stdout == ""


def test_bad_config_exits_2_naming_file_and_key(tmp_path: Path, fake_arxiv) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[llm]\nmax_concurrency = "lots"\n', encoding="utf-8")
    result = paperbot("check", "--config", str(bad), env=stand_in_env(tmp_path, fake_arxiv))
    assert result.returncode == 2
    line = _one_line_error(result.stderr)
    assert str(bad) in line and "[llm] max_concurrency" in line


def test_check_masks_secrets(tmp_path: Path, fake_arxiv) -> None:
    env = stand_in_env(tmp_path, fake_arxiv, key=True)
    env["OPENAI_API_KEY"] = "sk-very-secret-value"
    result = paperbot("check", "--config", EXAMPLE, env=env)
    assert result.returncode == 0
    assert "sk-very-secret-value" not in result.stdout
    assert json.loads(result.stdout)["llm"]["secret"] == "set"


def test_arxiv_outage_exits_1_with_one_line(tmp_path: Path, fake_arxiv) -> None:
    fake_arxiv.fail_next(*[Fault.http(503)] * 10)
    env = stand_in_env(tmp_path, fake_arxiv)
    env["PAPERBOT_ARXIV_MAX_RETRIES"] = "1"
    result = paperbot("digest", "--config", EXAMPLE, env=env)
    assert result.returncode == 1
    assert re.search(r"arXiv|503", _one_line_error(result.stderr))


def test_digest_shows_a_paper_matching_two_topics_once(tmp_path: Path, fake_arxiv) -> None:
    papers = listing_papers()
    assert any({"cs.AI", "cs.LG"} <= set(p.categories) for p in papers)  # matches both
    fake_arxiv.set_listing(papers)
    config = tmp_path / "two.toml"
    config.write_text(
        '[[topics]]\nname = "AI"\ncategories = ["cs.AI"]\n'
        '[[topics]]\nname = "Learning"\ncategories = ["cs.LG"]\n',
        encoding="utf-8",
    )
    env = stand_in_env(tmp_path, fake_arxiv)
    result = paperbot("digest", "--config", str(config), "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    topics = json.loads(result.stdout)["topics"]
    assert [t["name"] for t in topics] == ["AI", "Learning"]
    ids = [p["id"] for t in topics for p in t["papers"]]
    assert ids and len(ids) == len(set(ids)), "a paper came under two topics"


def _attention_v1(fake_arxiv) -> None:  # type: ignore[no-untyped-def]
    """The stand-in only has the real v7 entry; arXiv also answers id_list=1706.03762v1."""
    from dataclasses import replace

    from bot.arxiv.feeds import parse_api_feed
    from tests.conftest import SAMPLES

    sample = SAMPLES / "api" / "francojc__id_1706.03762_attention_is_all_you_need_2026.xml"
    [v7] = parse_api_feed(sample.read_bytes()).papers
    fake_arxiv.add_papers([replace(v7, version=1, comment="15 pages, 5 figures")])


def _summarize_json(env: dict[str, str], paper_id: str) -> dict:
    result = paperbot("summarize", "--config", EXAMPLE, paper_id, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_summarize_a_version_asks_arxiv_for_that_version(tmp_path: Path, fake_arxiv) -> None:
    _attention_v1(fake_arxiv)
    env = stand_in_env(tmp_path, fake_arxiv)
    first = _summarize_json(env, "1706.03762v1")  # fresh database
    assert (first["version"], first["comment"]) == (1, "15 pages, 5 figures")
    assert fake_arxiv.api_requests()[-1].query["id_list"] == "1706.03762v1"

    assert _summarize_json(env, "1706.03762")["version"] == 7  # unversioned: the latest
    asked = len(fake_arxiv.api_requests())
    assert _summarize_json(env, "1706.03762v1")["version"] == 1  # not silently v7
    assert _summarize_json(env, "arXiv:1706.03762v7")["version"] == 7
    assert len(fake_arxiv.api_requests()) == asked  # both versions are stored now

    markdown = paperbot("summarize", "--config", EXAMPLE, "1706.03762v1", env=env)
    assert markdown.returncode == 0, markdown.stderr
    assert "arXiv:1706.03762v1" in markdown.stdout


def test_summarize_a_version_arxiv_does_not_have(tmp_path: Path, fake_arxiv) -> None:
    env = stand_in_env(tmp_path, fake_arxiv)
    result = paperbot("summarize", "--config", EXAMPLE, "1706.03762v9", env=env)
    assert result.returncode == 2
    assert "arXiv has no paper 1706.03762v9" in _one_line_error(result.stderr)


def test_the_distribution_has_a_name_of_its_own_and_installs_the_paperbot_command() -> None:
    import importlib.metadata
    import tomllib

    from tests.conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] != "paperbot"  # taken on PyPI by an unrelated project
    assert project["scripts"] == {"paperbot": "bot.main.cli:main"}
    installed = importlib.metadata.distribution(project["name"])
    assert [e.name for e in installed.entry_points if e.group == "console_scripts"] == ["paperbot"]


def test_digest_completes_when_metadata_fails(tmp_path: Path, fake_arxiv) -> None:
    """With arXiv's API down after the listing came, the digest still has every paper."""
    fake_arxiv.set_listing(listing_papers())
    fake_arxiv.fail_next(*[Fault.http(503, only="api")] * 2)
    env = stand_in_env(tmp_path, fake_arxiv)
    env["PAPERBOT_ARXIV_MAX_RETRIES"] = "1"
    result = paperbot("digest", "--config", EXAMPLE, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    papers = json.loads(result.stdout)["topics"][0]["papers"]
    assert len(papers) >= 5 and all(p["title"] and p["authors"] for p in papers)
    assert not any(p["comment"] for p in papers)  # the mark: no API metadata yet
    assert "metadata" in result.stderr and "unavailable" in result.stderr

    again = paperbot("digest", "--config", EXAMPLE, "--format", "json", env=env)
    assert again.returncode == 0, again.stderr
    assert any(p["comment"] for p in json.loads(again.stdout)["topics"][0]["papers"])
