"""nginx (Debian's package) in front of the bot replicas: its configuration, and nginx as a supervised child."""

from __future__ import annotations

import getpass
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from bot.rasa.child import LOOPBACK, ChildServer

HEALTH = "/healthz"  # answered by nginx itself, for the supervisor


def config(listen: int, replicas: Sequence[int], prefix: Path) -> str:
    """nginx.conf: one port, every replica an upstream, a failed connection passed to the next replica.

    A POST that reached a replica is never sent to another (nginx's default for non-idempotent requests),
    so an update is not answered twice; one whose connection failed goes to the next replica.
    """
    servers = "\n".join(f"        server {LOOPBACK}:{port} max_fails=1 fail_timeout=2s;" for port in replicas)
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers would run as nobody
    return f"""{user}worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;  # no addresses or update ids on disk
    client_body_temp_path {prefix / "body"};
    proxy_temp_path {prefix / "proxy"};
    fastcgi_temp_path {prefix / "fastcgi"};
    uwsgi_temp_path {prefix / "uwsgi"};
    scgi_temp_path {prefix / "scgi"};
    upstream replicas {{
{servers}
    }}
    server {{
        listen {LOOPBACK}:{listen};
        location = {HEALTH} {{ return 200 "ok"; }}
        location / {{
            proxy_pass http://replicas;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    """The nginx executable, or None (install Debian's `nginx`)."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


class Nginx(ChildServer):
    """`nginx -g 'daemon off;'` with our configuration, on a given port."""

    name = "reverse proxy (nginx)"
    health_path = HEALTH

    def __init__(self, port: int, replicas: Sequence[int], prefix: Path):
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed: sudo apt-get install nginx (or make install as root)")
        super().__init__(log_path=prefix / "nginx.log")
        self.port = port
        self.binary = binary
        self.prefix = prefix
        prefix.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(config(port, replicas, prefix), encoding="utf-8")
        self.conf.chmod(0o600)

    def command(self) -> list[str]:
        return [self.binary, "-p", str(self.prefix), "-c", str(self.conf), "-g", "daemon off;"]
