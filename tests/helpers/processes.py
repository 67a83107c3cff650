"""Find a process's children in /proc (Linux), for the tests that kill one and watch it come back."""

from __future__ import annotations

from pathlib import Path


def children(parent: int, *markers: bytes) -> list[int]:
    """Sorted pids whose parent is parent and whose command line holds every marker (an argument each).

    Zombies count (a killed child not yet reaped is still listed): the tests wait for the parent to
    notice, not for /proc.
    """
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if ppid == parent and all(marker in args for marker in markers):
            found.append(int(proc.name))
    return sorted(found)
