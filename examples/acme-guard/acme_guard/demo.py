"""acme_guard's part of ``abonent demo``: the tenant file's ``[demo.plugins.acme_guard]`` table.

```toml
[demo.plugins.acme_guard]
items = ["First item", "Second item"]
```

The package ships its own demo site, ``demo/acme_guard.toml`` (``DEMO_TENANT``, returned by the
``demo_tenant_files`` hook), so ``abonent demo`` shows the plugin as soon as it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.api import DemoLogin

from acme_guard import service

DEMO_TENANT = Path(__file__).resolve().parent / "demo" / "acme_guard.toml"


def load(data: dict[str, Any]) -> list[DemoLogin]:
    """Create the items named in ``data`` that do not exist yet (idempotent); no logins to report."""
    titles = data.get("items", [])
    if not isinstance(titles, list) or not all(isinstance(t, str) and t.strip() for t in titles):
        raise click.ClickException("[demo.plugins.acme_guard] items must be a list of non-empty strings")
    for title in titles:
        if service.find(title) is None:
            service.add_item(title)
    return []
