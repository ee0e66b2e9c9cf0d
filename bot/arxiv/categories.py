"""The arXiv category taxonomy, to reject typos in config and `/subscribe` early."""

from __future__ import annotations

import difflib

from bot.errors import UserError
from bot.i18n import N_

_GROUPS: dict[str, str] = {
    "cs": "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS "
    "NA NE NI OH OS PF PL RO SC SD SE SI SY",
    "econ": "EM GN TH",
    "eess": "AS IV SP SY",
    "math": "AC AG AP AT CA CO CT CV DG DS FA GM GN GR GT HO IT KT LO MG MP NA NT OA OC PR QA "
    "RA RT SG SP ST",
    "astro-ph": "CO EP GA HE IM SR",
    "cond-mat": "dis-nn mes-hall mtrl-sci other quant-gas soft stat-mech str-el supr-con",
    "nlin": "AO CD CG PS SI",
    "physics": "acc-ph ao-ph app-ph atm-clus atom-ph bio-ph chem-ph class-ph comp-ph data-an "
    "ed-ph flu-dyn gen-ph geo-ph hist-ph ins-det med-ph optics plasm-ph pop-ph soc-ph space-ph",
    "q-bio": "BM CB GN MN NC OT PE QM SC TO",
    "q-fin": "CP EC GN MF PM PR RM ST TR",
    "stat": "AP CO ME ML OT TH",
}
_STANDALONE = ("gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex",
               "nucl-th", "quant-ph")

CATEGORIES: frozenset[str] = frozenset(
    [f"{group}.{sub}" for group, subs in _GROUPS.items() for sub in subs.split()]
    + list(_STANDALONE)
)
ARCHIVES: frozenset[str] = frozenset(list(_GROUPS) + list(_STANDALONE))
_BY_FOLD = {c.casefold(): c for c in CATEGORIES}


def is_category(name: str) -> bool:
    return name.casefold() in _BY_FOLD


def validate_category(name: str) -> str:
    """Return the canonical spelling (`cs.cl` → `cs.CL`) or raise UserError with suggestions."""
    canonical = _BY_FOLD.get(name.strip().casefold())
    if canonical:
        return canonical
    close = difflib.get_close_matches(name.strip(), sorted(CATEGORIES), n=3, cutoff=0.6)
    hint = N_("Did you mean {options}?") if close else N_("Categories look like cs.CL or hep-th.")
    raise UserError(
        "Unknown arXiv category '{value}'.", hint, value=name.strip()[:40], options=", ".join(close)
    )
