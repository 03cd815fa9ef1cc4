"""acme_guard's part of ``abonent demo``: the tenant file's ``[demo.plugins.acme_guard]`` table.

```toml
[demo.plugins.acme_guard]
items = ["First item", "Second item"]
```
"""

from __future__ import annotations

from typing import Any

import click

from acme_guard import service


def load(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Create the items named in ``data`` that do not exist yet (idempotent); no logins to report."""
    titles = data.get("items", [])
    if not isinstance(titles, list) or not all(isinstance(t, str) and t.strip() for t in titles):
        raise click.ClickException("[demo.plugins.acme_guard] items must be a list of non-empty strings")
    for title in titles:
        if service.find(title) is None:
            service.add_item(title)
    return []
