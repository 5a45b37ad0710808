"""Offset pagination with GitLab's headers, so python-gitlab's `get_all` and `iterator` work.

python-gitlab follows the `Link` header's `rel="next"` and reads `X-Page`, `X-Total` and
`X-Total-Pages`; GitLab sends all of them, with empty `X-Next-Page` on the last page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def _positive_int(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


def paginate(
    items: Sequence[Any], params: dict[str, Any], url: str, query: list[tuple[str, str]]
) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` and the headers that describe it.

    `url` is the request's URL without its query, `query` the request's query pairs (kept in the
    `Link` URLs, with `page` and `per_page` replaced).
    """
    per_page = min(_positive_int(params.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
    page = _positive_int(params.get("page"), 1)
    total = len(items)
    total_pages = max(1, math.ceil(total / per_page))
    chunk = list(items[(page - 1) * per_page : page * per_page])

    kept = [(key, value) for key, value in query if key not in ("page", "per_page")]

    def link(number: int) -> str:
        return f"{url}?{urlencode([*kept, ('page', str(number)), ('per_page', str(per_page))])}"

    links = []
    if page > 1:
        links.append(f'<{link(page - 1)}>; rel="prev"')
    if page < total_pages:
        links.append(f'<{link(page + 1)}>; rel="next"')
    links.append(f'<{link(1)}>; rel="first"')
    links.append(f'<{link(total_pages)}>; rel="last"')
    headers = {
        "X-Page": str(page),
        "X-Per-Page": str(per_page),
        "X-Total": str(total),
        "X-Total-Pages": str(total_pages),
        "X-Next-Page": str(page + 1) if page < total_pages else "",
        "X-Prev-Page": str(page - 1) if page > 1 else "",
        "Link": ", ".join(links),
    }
    return chunk, headers
