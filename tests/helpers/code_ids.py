"""Find the UI string ids the code uses, so meta-tests can check every language has them."""

from __future__ import annotations

import re
from pathlib import Path

BARE_IDS = {"greeting"}
_LITERAL = re.compile(r"""["']([a-z_]+(?:\.[a-z_]+)*)["']""")


def ui_ids_used(prefixes: set[str], *dirs: Path) -> set[str]:
    """Quoted literals in the code that look like UI string ids (their first part is a known prefix).

    A literal without a dot counts only if it is itself a prefix that is also an id ("greeting").
    """
    found: set[str] = set()
    for d in dirs:
        for path in d.rglob("*.py"):
            for literal in _LITERAL.findall(path.read_text(encoding="utf-8")):
                head = literal.split(".")[0]
                dotted = "." in literal and literal.rsplit(".", 1)[1] not in ("yml", "py", "gz")
                if head in prefixes and (dotted or literal in BARE_IDS):
                    found.add(literal)
    return found
