"""A throwaway PostgreSQL cluster on 127.0.0.1: its own data folder, port and socket folder.

For tests that need a database to go away and come back (the machine's shared PostgreSQL is
never touched): Debian's server binaries (/usr/lib/postgresql/<version>/bin: initdb, pg_ctl),
run as the `postgres` system user when we are root (initdb refuses root). Trust authentication
for the `postgres` role, on 127.0.0.1 only.

    with Cluster() as cluster:         # initdb + start
        url = cluster.url               # postgresql+psycopg://postgres@127.0.0.1:<port>/postgres
        cluster.stop("immediate")       # as a crash: connections dropped, no shutdown checkpoint
        cluster.start()                 # crash recovery from the WAL
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from devtools.slapd import free_port


def _bin_dir() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    return versions[-1].parent


class Cluster:
    """One PostgreSQL cluster of our own; `url`, `start()`, `stop(mode)`, `destroy()`."""

    def __init__(self, port: int | None = None, folder: str | None = None):
        self.port = port or free_port()
        self.folder = Path(folder or tempfile.mkdtemp(prefix="pgcluster-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log = self.folder / "server.log"
        self.bin = _bin_dir()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._user:
            command = ["runuser", "-u", self._user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {result.stderr or result.stdout}")
        return result

    def init(self) -> "Cluster":
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            entry = pwd.getpwnam(self._user)
            for path in (self.folder, self.socket_dir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        return self

    def start(self) -> "Cluster":
        if not self.data.exists():
            self.init()
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=40 -c shared_buffers=16MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` (roll back sessions, checkpoint) or `immediate` (a crash)."""
        if self.running():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        if not self.data.exists():
            return False
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.destroy()
