"""Relevance ranking (issue 12) against the stand-ins: a labelled fixture from the real
samples, learning from 👍 per chat, embeddings asked once per (paper, version, model), followed
authors, and what the cards and headers say."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.config_models import LLMConfig
from bot.models import ChatRef, Feedback, Paper, Signal, Topic
from bot.ranking.authors import matches, name_key, parse_author
from bot.ranking.embeddings import OpenAIEmbedder, PaperVectors
from bot.ranking.profile import Audience
from bot.ranking.rank import Ranker
from storage.store import SqliteStore
from tests.fakes.fake_llm import FakeLLM
from tests.ranking_fixture import RELEVANT, SEEDS, TOPIC, listed, precision_at, seed_papers

AT = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
GROUP_A = Audience("telegram:-100")
GROUP_B = Audience("telegram:-200")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def _store() -> SqliteStore:
    store = SqliteStore.open(":memory:", now=lambda: AT)
    store.upsert_papers(seed_papers())
    store.upsert_papers(listed())  # as the daily fetch stores the listing
    return store


_OPEN: list[OpenAIEmbedder] = []


@pytest.fixture(autouse=True)
async def _close_embedders() -> AsyncIterator[None]:
    yield
    while _OPEN:
        await _OPEN.pop().aclose()


def _ranker(store: SqliteStore, fake: FakeLLM | None) -> Ranker:
    embedder = None
    if fake is not None:
        config = LLMConfig(base_url=fake.base_url, embedding_model="fake-embed",
                           embedding_batch_size=64)
        embedder = OpenAIEmbedder(config, "test-key")
        _OPEN.append(embedder)
    return Ranker(PaperVectors(store, store, embedder), store, store)


@pytest.mark.parametrize("semantic", [True, False], ids=["embeddings", "lexical"])
async def test_topic_description_and_two_seeds_rank_the_labelled_papers_first(
    fake: FakeLLM, semantic: bool
) -> None:
    papers = listed()
    assert len(papers) == 200 and len(RELEVANT & {p.id for p in papers}) == 14
    ranker = _ranker(_store(), fake if semantic else None)
    ranked = await ranker.rank(TOPIC, papers, GROUP_A)
    ids = [r.paper.id for r in ranked]
    assert sorted(ids) == sorted(p.id for p in papers)
    # The measure: precision at 10 against the hand labels (listing order scores 0.0).
    assert precision_at([p.id for p in papers]) == 0.0
    assert precision_at(ids) >= 0.8, [r.paper.title[:50] for r in ranked[:10]]
    assert ranker.ranked_by == ("semantic" if semantic else "keywords")


def _like(store: SqliteStore, chat: Audience, papers: list[Paper]) -> None:
    for i, paper in enumerate(papers):
        store.toggle_feedback(Feedback(f"telegram:{i}", chat.chat_key, paper.id, paper.version,
                                       Signal.UP, AT))


def _mean_rank(ids: list[str], wanted: set[str]) -> float:
    return sum(i for i, x in enumerate(ids) if x in wanted) / len(wanted)


@pytest.mark.parametrize("semantic", [True, False], ids=["embeddings", "lexical"])
async def test_ten_likes_on_a_subtopic_move_its_unseen_papers_up_in_that_chat_only(
    fake: FakeLLM, semantic: bool
) -> None:
    papers = listed()
    llm = [p for p in papers if re.search(r"language model|\bllms?\b", p.title.lower())]
    liked, unseen = llm[:10], llm[10:]
    assert len(unseen) >= 10
    broad = Topic("cs", TOPIC.categories, description="computer science research",
                  max_papers=20)
    store = _store()
    ranker = _ranker(store, fake if semantic else None)
    candidates = [p for p in papers if p not in liked]
    wanted = {p.id for p in unseen}
    first = [r.paper.id for r in await ranker.rank(broad, candidates, GROUP_A)]
    _like(store, GROUP_A, liked)
    after_a = [r.paper.id for r in await ranker.rank(broad, candidates, GROUP_A)]
    after_b = [r.paper.id for r in await ranker.rank(broad, candidates, GROUP_B)]
    # The measure: the unseen subtopic papers' mean place and how many reach the top 50
    # (a quarter of the listing). Chat B, which said nothing, ranks exactly as before.
    assert _mean_rank(after_a, wanted) < 0.6 * _mean_rank(first, wanted)
    assert len(set(after_a[:50]) & wanted) >= 2 * max(1, len(set(first[:50]) & wanted))
    assert after_b == first


async def test_each_paper_version_is_embedded_once_across_topics_chats_and_runs(
    fake: FakeLLM,
) -> None:
    fake.embeddings.__init__()  # type: ignore[misc]  # count from here
    papers = listed()
    store = _store()
    other = replace(TOPIC, name="3D-other", description="robots that see in 3D")
    for _run in range(2):  # a second run: a new process with the same database
        ranker = _ranker(store, fake)
        for topic in (TOPIC, other):
            for chat in (GROUP_A, GROUP_B):
                await ranker.rank(topic, papers, chat)
    texts = [t for t in fake.embeddings.inputs if "\n" in t]  # papers are title\nabstract
    assert len(texts) == len(papers) + len(SEEDS) == len(set(texts))
    assert fake.embeddings.calls <= 4 + 4 + 2  # batches of 64, seeds, and topic texts
    revised = replace(papers[0], version=papers[0].version + 1, title=papers[0].title + " v2")
    await _ranker(store, fake).rank(TOPIC, [revised, *papers[1:]], GROUP_A)
    texts = [t for t in fake.embeddings.inputs if "\n" in t]
    assert len(texts) == len(papers) + len(SEEDS) + 1


@pytest.mark.parametrize("typed", ["Yann LeCun", "Y. LeCun", "LeCun, Yann", "yann lecun",
                                   "Yann  LeCun"])
def test_author_names_match_across_initials_order_and_case(typed: str) -> None:
    assert name_key(typed) == "lecun y"
    assert matches({name_key(typed): typed}, ("Ana Pérez", "Yann LeCun")) == (typed,)


def test_author_names_match_across_accents_and_refuse_bad_input() -> None:
    assert name_key("José García") == name_key("J. Garcia") == name_key("Garcia, José")
    assert matches({"garcia j": "José García"}, ("Juan Garcia",)) == ("José García",)
    assert matches({"garcia j": "José García"}, ("Maria Garcia",)) == ()
    for bad in ("", "   ", "x" * 101, "!!"):
        with pytest.raises(Exception, match=r"name|characters"):
            parse_author(bad)


async def test_a_followed_authors_paper_is_ranked_first_with_its_reason() -> None:
    papers = listed()
    store = _store()
    ranker = _ranker(store, None)
    target = next(p for p in papers if p.id not in RELEVANT)
    name = target.authors[0]
    store.follow_author(GROUP_A.chat_key, name, name_key(name))
    ranked = await ranker.rank(TOPIC, papers, GROUP_A)
    assert ranked[0].paper.id == target.id and ranked[0].reason.authors == (name,)
    elsewhere = await ranker.rank(TOPIC, papers, GROUP_B)
    assert elsewhere[0].paper.id != target.id
    unmatched = replace(TOPIC, keywords=("zzz-no-such-word",))
    assert ranker.by_followed(unmatched, papers, GROUP_A, set()) == [
        p for p in papers if p.id == target.id or matches({name_key(name): name}, p.authors)
    ]


def test_forgetting_a_chat_deletes_its_followed_authors_and_seeds() -> None:
    store = _store()
    chat = ChatRef("telegram", "42")
    store.follow_author(chat.key, "Yann LeCun", "lecun y")
    store.add_seeds(chat.key, ["1706.03762"])
    store.follow_author("telegram:43", "Ana Pérez", "perez a")
    store.forget_chat(chat)
    assert store.followed_authors(chat.key) == {} and store.seeds(chat.key) == []
    assert store.followed_authors("telegram:43") == {"perez a": "Ana Pérez"}


def test_every_renderer_says_the_reason_the_count_and_how_it_was_ranked() -> None:
    from adapters.console.render import digest_markdown
    from adapters.discord.render import DiscordRenderer
    from adapters.telegram.render import TelegramRenderer
    from adapters.web.render import WebRenderer
    from bot.models import CardText, Digest, PaperCard, Reason

    paper = listed()[0]
    text = CardText("Summary.", ("One",), "[zh] t", "[zh] a", "llm", "zh", "m")
    reason = Reason(keywords=("GRPO", "reasoning"), close_to=("2501.12948",),
                    authors=("Yann LeCun",))
    card = PaperCard(paper, text, reason=reason)  # the third field is `web` since its merge
    digest = Digest("R1", paper.announced, "zh", (card,), AT, matched=187,
                    ranked_by="keywords")
    rendered = {
        "telegram": str(TelegramRenderer().digest(digest)),
        "discord": str(DiscordRenderer().digest(digest)),
        "console": digest_markdown(digest),
        "web": str(WebRenderer().digest(digest)),
    }
    for name, out in rendered.items():
        assert "GRPO" in out and "2501.12948" in out and "Yann LeCun" in out, name
        assert "共 187 篇匹配论文" in out, name  # the reader's language, never a score
        assert "按关键词排序" in out, name
    english = replace(digest, language="en", cards=(replace(card, text=replace(
        text, language="en")),), ranked_by="semantic")
    out = str(TelegramRenderer().digest(english))
    assert "1 of 187 matching papers, ranked by relevance" in out
    assert "matches: GRPO, reasoning · close to 2501.12948" in out
    assert "by an author you follow (Yann LeCun)" in out
    assert "configure embeddings" not in out


def test_best_first_is_the_head_of_a_stable_full_sort_ties_included() -> None:
    import numpy as np

    from bot.ranking.rank import best_first

    rng = np.random.default_rng(12)
    # Few distinct values, so the cut at `limit` falls inside runs of ties.
    score = rng.integers(0, 6, size=300).astype(np.float32) / 5
    full = np.argsort(-score, kind="stable")
    for limit in (None, 0, 1, 5, 30, 77, 299, 300, 400):
        assert best_first(score, limit).tolist() == full[:limit].tolist(), limit


def test_keyword_hits_with_the_literal_precheck_equal_the_plain_patterns() -> None:
    from bot.ranking.lexical import TITLE_WEIGHT, keyword_hits, keyword_pattern

    keywords = ("chain of thought", "GRPO", "reasoning", "multi-agent", "x", "LLM")
    papers = [*listed(), replace(listed()[0], title="Chain-of-Thought for LLMs",
                                 abstract="multi agent GRPO, x-ray reasoning")]
    hits = 0
    for paper in papers:
        title, abstract = paper.title.casefold(), paper.abstract.casefold()
        score, matched = 0.0, []
        for keyword in keywords:  # the straightforward way: every regex on every text
            in_t = keyword_pattern(keyword).search(title) is not None
            in_a = keyword_pattern(keyword).search(abstract) is not None
            if in_t or in_a:
                matched.append(keyword)
                score += TITLE_WEIGHT * in_t + in_a
        assert keyword_hits(keywords, paper) == (score, tuple(matched)), paper.id
        hits += bool(matched)
    assert hits >= 3  # the comparison saw matches, not only misses


@pytest.mark.parametrize("semantic", [True, False], ids=["embeddings", "lexical"])
async def test_keeping_the_top_k_gives_the_head_of_the_full_ranking(
    fake: FakeLLM, semantic: bool
) -> None:
    store = _store()
    _like(store, GROUP_A, listed()[:10])
    ranker = _ranker(store, fake if semantic else None)
    full = await ranker.rank(TOPIC, listed(), GROUP_A)  # every paper: one full stable sort
    for limit in (1, 10, 25):
        kept = await ranker.rank(TOPIC, listed(), GROUP_A, limit)
        assert kept == full[:limit]


async def test_work_shared_between_destinations_follows_the_candidates_given() -> None:
    ranker = _ranker(_store(), None)
    papers = listed()
    first = await ranker.rank(TOPIC, papers, GROUP_A)
    again = await ranker.rank(TOPIC, list(listed()), GROUP_B)  # equal papers, a new list
    assert [r.paper.id for r in again] == [r.paper.id for r in first]
    half = papers[::2]  # other candidates right after: nothing of the last set is reused
    fresh = await _ranker(_store(), None).rank(TOPIC, half, GROUP_A)
    assert await ranker.rank(TOPIC, half, GROUP_A) == fresh
    assert [r.paper.id for r in fresh] != [r.paper.id for r in first if r.paper in half]
    assert await ranker.rank(TOPIC, papers, GROUP_A) == first


async def test_a_topic_with_only_short_or_stop_words_still_ranks_by_keywords() -> None:
    papers = listed()
    bare = Topic("C", TOPIC.categories, max_papers=5)  # "C": no word BM25 can look up
    ranked = await _ranker(_store(), None).rank(bare, papers, GROUP_A, bare.max_papers)
    assert len(ranked) == 5
