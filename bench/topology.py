"""The production topology without containers, on this machine: two `sxq serve --http-only` processes and one
`sxq worker` on one PostgreSQL database (made fresh) and a Redis of its own (`redis-server --port N`, when the
binary exists), behind bench/proxy.py (round-robin, as nginx in deploy/). bench/soak.py drives it; alone it starts
everything and waits, for poking at by hand:

    .venv/bin/python bench/topology.py          # prints the addresses; Ctrl-C stops everything and drops the DB
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MASTER_KEY = "6b" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Topology:
    # A database to connect to for CREATE/DROP DATABASE and pg_terminate_backend (the server's superuser).
    admin_dsn: str = field(default_factory=lambda: os.environ.get("SXQ_SOAK_ADMIN_DSN") or (
        f"postgresql://{os.environ.get('PGUSER', 'postgres')}@{os.environ.get('PGHOST', '127.0.0.1')}:"
        f"{os.environ.get('PGPORT', '5432')}/{os.environ.get('PGDATABASE', 'test')}"))
    data_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sxq-topology-")))
    database: str = field(default_factory=lambda: f"sxq_soak_{os.getpid()}_{int(time.time())}")
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    redis: bool = field(default_factory=lambda: shutil.which("redis-server") is not None)

    def __post_init__(self) -> None:
        for name in ("proxy", "serve1", "serve2", "metrics1", "metrics2", "metrics_worker", "redis"):
            self.ports[name] = free_port()

    @property
    def database_url(self) -> str:
        base = self.admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        return f"{base}/{self.database}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['proxy']}"

    def metrics_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/metrics"

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SXQ_DATA_DIR": str(self.data_dir),
               "SXQ_DATABASE_URL": self.database_url, "SXQ_MASTER_KEY": MASTER_KEY, "SXQ_LOG_FORMAT": "json",
               "SXQ_LOG_LEVEL": "INFO", "SXQ_PASSWORD_SCRYPT_N": "1024", "SXQ_OUTBOX_LEASE_SECONDS": "15",
               "SXQ_OUTBOX_POLL_SECONDS": "1", "SXQ_SMS_DAILY_CAP_PER_IP": "1000000",
               "SXQ_SMS_DAILY_CAP_PER_PHONE": "1000", "SXQ_SMS_COOLDOWN_SECONDS": "1", "SXQ_TRUST_PROXY": "0",
               "SXQ_PUBLIC_URL": self.base_url}
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        if self.redis:
            env["SXQ_REDIS_URL"] = f"redis://127.0.0.1:{self.ports['redis']}/0"
        else:
            env.pop("SXQ_REDIS_URL", None)
        env.update(extra)
        return env

    # ------------------------------------------------------------------ database

    def create_database(self) -> None:
        self._psql(f'CREATE DATABASE "{self.database}"')
        subprocess.run([sys.executable, "-m", "adapters.cli.main", "migrate"], env=self.env(), cwd=ROOT, check=True,
                       capture_output=True)

    def drop_database(self) -> None:
        self._psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _psql(self, sql: str) -> None:
        import asyncpg

        async def run() -> None:
            conn = await asyncpg.connect(self.admin_dsn)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        asyncio.run(run()) if not _in_loop() else _run_in_thread(run)

    async def drop_connections(self) -> int:
        """Ends every server connection to the soak database (pg_terminate_backend), as a failover would."""
        import asyncpg

        conn = await asyncpg.connect(self.admin_dsn)
        try:
            rows = await conn.fetch("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = $1 AND pid <> pg_backend_pid()", self.database)
        finally:
            await conn.close()
        return len(rows)

    # ------------------------------------------------------------------ processes

    def start(self, name: str) -> None:
        log = open(self.data_dir / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it
        if name == "redis":
            if not self.redis:
                return
            cmd = ["redis-server", "--port", str(self.ports["redis"]), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no"]
            env = os.environ.copy()
        elif name == "proxy":
            cmd = [sys.executable, str(ROOT / "bench" / "proxy.py"), "--listen", f"127.0.0.1:{self.ports['proxy']}",
                   "--backend", f"127.0.0.1:{self.ports['serve1']}", "--backend", f"127.0.0.1:{self.ports['serve2']}"]
            env = os.environ.copy()
        elif name in ("serve1", "serve2"):
            n = name[-1]
            cmd = [sys.executable, "-m", "adapters.cli.main", "serve", "--http-only", "--port", str(self.ports[name])]
            env = self.env(SXQ_METRICS_ADDR=f"127.0.0.1:{self.ports['metrics' + n]}")
        elif name == "worker":
            cmd = [sys.executable, "-m", "adapters.cli.main", "worker"]
            env = self.env(SXQ_METRICS_ADDR=f"127.0.0.1:{self.ports['metrics_worker']}")
        else:
            raise ValueError(name)
        self.procs[name] = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def kill(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()

    async def wait_serving(self, name: str, seconds: float = 60) -> None:
        port = self.ports[name]
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient() as c:
            while time.monotonic() < deadline:
                if self.procs.get(name) is not None and self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.data_dir / (name + '.log')}")
                try:
                    if (await c.get(f"http://127.0.0.1:{port}/healthz", timeout=1)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{name} did not come up")

    async def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient() as c:
            while time.monotonic() < deadline:
                try:
                    if (await c.get(f"{self.base_url}/readyz", timeout=3)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
        raise TimeoutError("not ready")

    async def start_all(self) -> None:
        self.start("redis")
        if self.redis:
            for _ in range(50):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", self.ports["redis"])) == 0:
                        break
                await asyncio.sleep(0.1)
        for name in ("serve1", "serve2", "worker", "proxy"):
            self.start(name)
        await asyncio.gather(self.wait_serving("serve1"), self.wait_serving("serve2"))
        await self.wait_ready()


def _in_loop() -> bool:
    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        return False


def _run_in_thread(coro_fn) -> None:
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro_fn())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            errors.append(exc)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if errors:
        raise errors[0]


async def _main() -> None:
    topo = Topology()
    topo.create_database()
    try:
        await topo.start_all()
        print(f"serving on {topo.base_url} (database {topo.database}, redis "
              f"{'port ' + str(topo.ports['redis']) if topo.redis else 'none: redis-server not found'}); "
              f"metrics {topo.metrics_url('metrics1')}, {topo.metrics_url('metrics2')}, "
              f"{topo.metrics_url('metrics_worker')}; logs in {topo.data_dir}. Ctrl-C stops.", flush=True)
        await asyncio.Event().wait()
    finally:
        topo.stop_all()
        topo.drop_database()


if __name__ == "__main__":
    try:
        asyncio.run(_main())
    except KeyboardInterrupt:
        pass
