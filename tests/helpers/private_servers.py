"""A PostgreSQL and a Redis server of the test's own, on free ports, that a test may stop and start.

Fault tests stop the database or Redis under a running bot; the machine's shared servers
(TEST_POSTGRES_URL, TEST_REDIS_URL) serve other tests and sessions, so they are never touched.
PostgreSQL comes from Debian's packages (/usr/lib/postgresql/<version>/bin); initdb refuses to run
as root, so as root the servers run as the `postgres` user, in a folder of their own under /tmp
(pytest's folders are private to root). Missing binaries skip the test, or fail it where the CI
servers are configured (TEST_POSTGRES_URL / TEST_REDIS_URL set): there they must be installed.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.rasa.child import free_port

POSTGRES_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)  # the newest version first
INSTALL_HINT = "apt-get install postgresql redis-server"
START_TIMEOUT = 60.0


def _missing(what: str, ci_env: str) -> None:
    """Skip, or fail when the CI servers are configured (then the binary must be there)."""
    if os.environ.get(ci_env):
        pytest.fail(f"{ci_env} is set (CI) but {what} is not installed ({INSTALL_HINT})")
    pytest.skip(f"{what} is not installed ({INSTALL_HINT}); set {ci_env} to make this a failure")


def _as_postgres(args: list[str]) -> list[str]:
    """The command run as the postgres user when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


class PrivatePostgres:
    """`initdb` in a folder of its own; start() and stop() with pg_ctl on a fixed free port."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin = bin_dir
        self.root = root
        self.data = root / "data"
        self.log = root / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        subprocess.run(
            _as_postgres(
                [str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )

    def _ctl(self, *args: str) -> None:
        done = subprocess.run(
            _as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), *args]), capture_output=True
        )
        assert done.returncode == 0, (done.stdout + done.stderr).decode(errors="replace") + self.log.read_text()

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        self._ctl("-l", str(self.log), "-o", options, "-w", "-t", str(int(START_TIMEOUT)), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: roll back open transactions, close every connection)."""
        self._ctl("-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class PrivateRedis:
    """`redis-server` without persistence on a fixed free port; start() and stop() it."""

    def __init__(self, binary: str, root: Path) -> None:
        self.binary = binary
        self.log = root / "redis.log"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _accepts(self.port):
            assert self.proc.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"redis-server did not start: {self.log.read_text()}"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (SIGTERM) and wait until it has gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)
        self.proc = None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


@contextlib.contextmanager
def _server_dir() -> Iterator[Path]:
    """A folder under /tmp the postgres user owns (pytest's own folders are closed to it)."""
    root = Path(tempfile.mkdtemp(prefix="private-servers-"))
    try:
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(root, entry.pw_uid, entry.pw_gid)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running PostgreSQL of this test only (database `postgres`, user `postgres`, no password)."""
    bin_dir = next((b for b in POSTGRES_BINS if (b / "initdb").exists() and (b / "pg_ctl").exists()), None)
    if bin_dir is None:
        _missing("PostgreSQL (initdb, pg_ctl)", "TEST_POSTGRES_URL")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        _missing("the postgres user and runuser (to run PostgreSQL as root)", "TEST_POSTGRES_URL")
    assert bin_dir is not None
    with _server_dir() as root:
        server = PrivatePostgres(bin_dir, root)
        server.start()
        try:
            yield server
        finally:
            if server.running():
                server.stop("immediate")


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A running Redis of this test only, nothing saved to disk."""
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server", "TEST_REDIS_URL")
    assert binary is not None
    with tempfile.TemporaryDirectory(prefix="private-redis-") as root:
        server = PrivateRedis(binary, Path(root))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
