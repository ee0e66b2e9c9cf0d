"""A destination's taste as one vector (Rocchio): the topic's own text and seed papers,
pulled towards what its readers liked or saved and pushed away from what they disliked.

A group ranks by its members' pooled signals; a private chat by its user's own, wherever
they gave them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import Feedback, Signal
from bot.ports import FeedbackStore

if TYPE_CHECKING:
    import numpy as np

TOPIC_WEIGHT = 1.0
SEED_WEIGHT = 0.8
LIKED_WEIGHT = 1.5
DISLIKED_WEIGHT = 0.6


@dataclass(frozen=True)
class Audience:
    """Whose digest is being ranked: a chat (its key) and whether it is a private one."""

    chat_key: str
    private: bool = False


@dataclass(frozen=True)
class Opinions:
    """Paper ids the audience pulled towards (👍, Save) and pushed away (👎)."""

    liked: tuple[tuple[str, int], ...] = ()  # (base id, version signalled)
    disliked: tuple[tuple[str, int], ...] = ()


def opinions(feedback: FeedbackStore, audience: Audience) -> Opinions:
    """Pooled signals of a group; a private chat's user's own signals in any chat."""
    given: list[Feedback] = feedback.feedback_for(chat_key=audience.chat_key)
    if audience.private:
        users = {f.user_key for f in given} or {audience.chat_key}
        given = [f for user in sorted(users) for f in feedback.feedback_for(user_key=user)]
    score: dict[tuple[str, int], int] = {}
    version: dict[str, int] = {}
    for item in given:
        step = -1 if item.signal is Signal.DOWN else 1
        key = (item.base_id, version.setdefault(item.base_id, item.version))
        score[key] = score.get(key, 0) + step
    return Opinions(
        liked=tuple(k for k, v in score.items() if v > 0),
        disliked=tuple(k for k, v in score.items() if v < 0),
    )


def _mean(rows: np.ndarray) -> np.ndarray | None:
    """The unit direction of the rows' centroid: ten scattered likes weigh as much as one."""
    import numpy as np

    if rows.shape[0] == 0:
        return None
    centre = np.asarray(rows.mean(axis=0), dtype=np.float32)
    norm = float(np.linalg.norm(centre))
    return centre / norm if norm else None


def topic_trust(said: Opinions) -> float:
    """How much the topic's own text decides, 1 before any signal: the more a destination's
    readers have said, the more their signals decide instead (five signals halve it)."""
    return 1.0 / (1.0 + (len(said.liked) + len(said.disliked)) / 5)


def rocchio(
    topic: np.ndarray,
    seeds: np.ndarray,
    liked: np.ndarray,
    disliked: np.ndarray,
    trust: float = 1.0,
) -> np.ndarray:
    """The unit profile vector: weighted centroid of topic, seeds and likes minus dislikes."""
    import numpy as np

    profile = TOPIC_WEIGHT * trust * topic.astype(np.float32)
    for rows, weight in ((seeds, SEED_WEIGHT), (liked, LIKED_WEIGHT),
                         (disliked, -DISLIKED_WEIGHT)):
        centre = _mean(rows)
        if centre is not None:
            profile = profile + weight * centre
    norm = float(np.linalg.norm(profile))
    return profile / norm if norm else profile


def closest(
    candidates: np.ndarray, references: np.ndarray, ids: Sequence[str], threshold: float
) -> list[str | None]:
    """Per candidate, the reference paper it is most similar to, if at least `threshold`."""
    if references.shape[0] == 0 or candidates.shape[0] == 0:
        return [None] * candidates.shape[0]
    sims = candidates @ references.T
    best = sims.argmax(axis=1)
    return [ids[int(j)] if sims[i, j] >= threshold else None for i, j in enumerate(best)]
