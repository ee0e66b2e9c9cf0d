"""Which licences let us send a paper's figure on as an image: CC BY, CC BY-SA and CC0.

arXiv's own licence, the NC and ND variants and an unknown licence do not: those papers get a
link to their figures on arXiv instead. The URL is the listing's `dc:rights`.
"""

from __future__ import annotations

import re

_REDISTRIBUTABLE = re.compile(
    r"^https?://(?:www\.)?creativecommons\.org/"
    r"(?:licenses/(?:by|by-sa)/\d+(?:\.\d+)?|publicdomain/zero/\d+(?:\.\d+)?)/?$",
    re.IGNORECASE,
)


def permits_redistribution(licence: str | None) -> bool:
    """True only for CC BY, CC BY-SA (any version) and CC0 licence URLs."""
    return licence is not None and _REDISTRIBUTABLE.match(licence.strip()) is not None
