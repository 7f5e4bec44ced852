"""A portfolio's answers (the API's JSON, the page's figures) kept while nothing they show changes.

Building the portfolio of a foundation with 1,000 holdings reads some 200,000 running totals and
attributes value per month and holding; formatting its table costs as much again. Between two
changes of the figures of the initiatives it holds, every answer is the same. So answers are
cached (the page cache's store: Redis when `CACHE_REDIS_URL` is set, in the process otherwise)
under a key that names everything they show:

- the funder, its name, the period and the parts asked for (JSON or page, language, URL);
- what it holds: (initiative, kind) from `funder_series`, so a new holding is a new key;
- the versions of those initiatives (`initiative:<id>`, bumped on `figures_changed`, which follows
  every figures update, the funder's own series included, and on `initiative_changed`) and of the
  exchange (peer groups, bumped on `exchange_refreshed`), read through `pagecache.versions`;
- the live facts, read anew for every answer (`build.live_facts`): monthly gifts running, the
  money side of investments, hours given, initiatives followed.

So an answer costs a few small queries until something it shows changes; then it is built again.
Callers check first that the reader may see the funder's portfolio.
"""

import hashlib
from collections.abc import Callable
from datetime import date

from marketplace import pagecache
from marketplace.extensions import cache
from marketplace.portfolios.build import Funder, LiveFacts, funder_kind, live_facts
from marketplace.portfolios.periods import current_month
from marketplace.portfolios.rows import held_keys

KEEP_SECONDS = 3600  # an answer nobody asks for again leaves the cache after an hour


def cached_answer(
    funder: Funder,
    first: date | None,
    last: date | None,
    parts: tuple,
    produce: Callable[[LiveFacts], str],
) -> tuple[str, LiveFacts]:
    """The answer `produce(facts)` made for these facts and figures, from the cache when the
    same was made before; with the live facts (the page shows the follows beside it)."""
    held = held_keys(funder)
    facts = live_facts(funder, {kind for _id, kind in held}, last or current_month())
    versions = pagecache.versions(
        ["exchange", *(f"initiative:{i}" for i in sorted({i for i, _kind in held}))]
    )
    named = (funder_kind(funder), funder.id, funder.name, first, last, parts, held, versions, facts)
    key = "portfolio:" + hashlib.sha256(repr(named).encode()).hexdigest()
    text = cache.get(key)
    if text is None:
        text = produce(facts)
        cache.set(key, text, timeout=KEEP_SECONDS)
    return text, facts
