"""pingyi's production topology on one machine, in network namespaces, and three failure drills against it.

    sudo .venv/bin/python deploy/drill/drill.py [--keep] [--quick]

Hosts (one network namespace each, on one bridge; the addresses are those of deploy/'s files, which the drill uses
as they are — only paths, the upstream's second instance per host and the drill's own TLS certificate differ):

    proxy 10.0.10.10    nginx (deploy/nginx), TLS on 443
    app1, app2          `pingyi serve` as deploy/systemd/pingyi-web@.service runs it, on 10.0.10.11/12:8001
    worker1, worker2    `pingyi worker` (deploy/systemd/pingyi-worker@.service), jobs through Redis
    db 10.0.20.20       PostgreSQL 15, the primary (deploy/postgresql/primary.conf, pg_hba.conf)
    replica .21         pg_basebackup of the primary, streaming (deploy/postgresql/replica.md)
    pool .22            PgBouncer, transaction pooling (deploy/pgbouncer/pgbouncer.ini)
    redis .23           redis-server
    client 10.0.30.40   the drills' clients (deploy/drill/client.py)

Drills, each printing its counts and failing on a violation:
1. kill -9 app1's `pingyi serve` (master and workers) under a bounded rating load through the proxy: every
   acknowledged rating stored exactly once, and every request begun after the kill answered by app2;
2. stop the replica: the dashboard, an export and the public page still answer 200, from the primary;
3. restart PgBouncer: requests fail for a short window only, then succeed; acknowledged ratings stored once.

Exit 0 when every drill held, 1 on a violation, 2 when a prerequisite is missing (named on standard error).
Namespaces, processes and data directories are removed at the end, also on failure (--keep leaves the data
directory for a look). Root only: namespaces, and PostgreSQL run as the postgres user.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEPLOY = REPO / "deploy"
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
MIN_PGBOUNCER = (1, 21)
SERVER_NAME = "pingyi.example.gov.cn"
NETMASK = 16  # 10.0.0.0/16: every host on the one bridge, no route anywhere else
HOSTS = {
    "proxy": "10.0.10.10",
    "app1": "10.0.10.11",
    "app2": "10.0.10.12",
    "worker1": "10.0.10.31",
    "worker2": "10.0.10.32",
    "db": "10.0.20.20",
    "replica": "10.0.20.21",
    "pool": "10.0.20.22",
    "redis": "10.0.20.23",
    "client": "10.0.30.40",
}
APP_PORT = 8001
APPS = ("app1", "app2")
WORKERS = ("worker1", "worker2")


def say(message: str) -> None:
    print(f"[drill {time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------- prerequisites --
def pgbouncer_binary() -> str | None:
    """PINGYI_PGBOUNCER, else `pgbouncer` on PATH, else the one deploy/drill/build-pgbouncer.sh built."""
    candidates = [os.environ.get("PINGYI_PGBOUNCER", ""), shutil.which("pgbouncer") or ""]
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pingyi"
    candidates += sorted((str(p) for p in cache.glob("pgbouncer-*/bin/pgbouncer")), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and pgbouncer_version(candidate) >= MIN_PGBOUNCER:
            return candidate
    return None


def pgbouncer_version(binary: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return ()
    found = re.search(r"PgBouncer (\d+)\.(\d+)", out)
    return tuple(int(x) for x in found.groups()) if found else ()


def prerequisites() -> list[str]:
    """What this machine lacks for the drill, in words (empty: it can run)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (network namespaces; PostgreSQL runs as the postgres user)")
    if shutil.which("ip") is None:
        missing.append("iproute2's `ip`")
    elif os.geteuid() == 0:
        probe = f"pydprobe{os.getpid()}"
        made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
        if made.returncode != 0:
            missing.append(f"`ip netns add` ({made.stderr.strip()})")
        else:
            subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    for tool in ("nginx", "redis-server", "openssl", "runuser"):
        if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin") is None:
            missing.append(f"`{tool}`")
    for tool in ("initdb", "pg_ctl", "pg_basebackup", "psql"):
        if not (PG_BIN / tool).exists():
            missing.append(f"PostgreSQL 15's {PG_BIN / tool}")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing.append("the postgres OS user")
    if pgbouncer_binary() is None:
        missing.append(
            f"PgBouncer >= {'.'.join(map(str, MIN_PGBOUNCER))} (max_prepared_statements; deploy/drill/build-pgbouncer.sh)"
        )
    return missing


# ---------------------------------------------------------------------------------------------- the topology ----
@dataclass
class Topology:
    root: Path
    run: str = field(default_factory=lambda: f"{os.getpid() % 100000}")
    namespaces: list[str] = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    clusters: list[Path] = field(default_factory=list)
    passwords: dict[str, str] = field(default_factory=dict)
    seed: dict[str, Any] = field(default_factory=dict)

    # -- namespaces -------------------------------------------------------------------------------------------------
    def ns(self, host: str) -> str:
        return f"pyd{self.run}-{host}"

    def network(self) -> None:
        hub = self.ns("hub")
        _sh("ip", "netns", "add", hub)
        self.namespaces.append(hub)
        _sh("ip", "netns", "exec", hub, "ip", "link", "add", "br0", "type", "bridge")
        _sh("ip", "netns", "exec", hub, "ip", "link", "set", "br0", "up")
        for index, (host, address) in enumerate(HOSTS.items()):
            name = self.ns(host)
            _sh("ip", "netns", "add", name)
            self.namespaces.append(name)
            outside, inside = f"vh{self.run}x{index}", f"vp{self.run}x{index}"
            _sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside)
            _sh("ip", "link", "set", outside, "netns", hub)
            _sh("ip", "link", "set", inside, "netns", name)
            _sh("ip", "netns", "exec", hub, "ip", "link", "set", outside, "master", "br0", "up")
            _sh("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
            _sh("ip", "netns", "exec", name, "ip", "link", "set", inside, "name", "eth0")
            _sh("ip", "netns", "exec", name, "ip", "addr", "add", f"{address}/{NETMASK}", "dev", "eth0")
            _sh("ip", "netns", "exec", name, "ip", "link", "set", "eth0", "up")

    def argv(self, host: str, command: list[str], user: str | None = None) -> list[str]:
        prefix = ["ip", "netns", "exec", self.ns(host)]
        return prefix + (["runuser", "-u", user, "--"] if user else []) + command

    def start(
        self, name: str, host: str, command: list[str], env: dict[str, str], user: str | None = None
    ) -> None:
        """A long-running process in its own process group (so that kill -9 reaches its children), logged."""
        log = open(self.root / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the process)
        self.processes[name] = subprocess.Popen(  # noqa: S603
            self.argv(host, command, user),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=self.root,  # a folder the postgres user may enter, wherever the checkout lives
        )

    def stop(self, name: str, sig: int = signal.SIGTERM, wait: float = 15) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def run_in(
        self,
        host: str,
        command: list[str],
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: float = 300,
    ) -> str:
        done = subprocess.run(  # noqa: S603
            self.argv(host, command, user),
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.root,
        )
        if done.returncode != 0:
            raise DrillError(
                f"{host}: {' '.join(command[:3])} … exited {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def json_in(
        self, host: str, command: list[str], env: dict[str, str] | None = None, timeout: float = 300
    ) -> Any:
        return json.loads(self.run_in(host, command, env, timeout=timeout).strip().splitlines()[-1])

    # -- PostgreSQL -------------------------------------------------------------------------------------------------
    def postgres_dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(mode=0o700, exist_ok=True)
        shutil.chown(path, "postgres", "postgres")
        return path

    def pg_ctl(self, host: str, data: Path, action: str, options: str = "") -> None:
        command = [
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(data.parent / "postgres.log"),
            "-w",
            "-t",
            "60",
        ]
        if options:
            command += ["-o", options]
        if action == "stop":
            command += ["-m", "fast"]
        self.run_in(host, [*command, action], user="postgres", timeout=90)

    def primary(self) -> None:
        base = self.postgres_dir("db")
        data, sockets = base / "data", self.postgres_dir("db-sockets")
        self.run_in(
            "db",
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
            ],
            user="postgres",
            timeout=120,
        )
        # The deploy file, copied beside the cluster: the checkout may be where the postgres user cannot read.
        shutil.copy(DEPLOY / "postgresql" / "primary.conf", base / "primary.conf")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"\ninclude '{base / 'primary.conf'}'\n"
                "# the drill's own: its socket folder (not the machine's cluster's), small memory, no fsync\n"
                f"unix_socket_directories = '{sockets}'\nshared_buffers = 64MB\nfsync = off\n"
                "log_min_messages = warning\n"
            )
        (data / "pg_hba.conf").write_text(
            "local all all peer\n" + (DEPLOY / "postgresql" / "pg_hba.conf").read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        self.pg_ctl("db", data, "start")
        self.clusters.append(data)
        self.passwords = {"pingyi": secrets.token_urlsafe(18), "replicator": secrets.token_urlsafe(18)}
        sql = (
            f"CREATE ROLE pingyi LOGIN PASSWORD '{self.passwords['pingyi']}';"
            "CREATE DATABASE pingyi OWNER pingyi;"
            f"CREATE ROLE replicator REPLICATION LOGIN PASSWORD '{self.passwords['replicator']}';"
            "SELECT pg_create_physical_replication_slot('pingyi_replica');"
        )
        for statement in sql.split(";"):
            if statement:
                self.run_in(
                    "db",
                    [str(PG_BIN / "psql"), "-h", str(sockets), "-U", "postgres", "-qAt", "-c", statement],
                    user="postgres",
                )

    def replica(self) -> None:
        base = self.postgres_dir("replica")
        data, sockets = base / "data", self.postgres_dir("replica-sockets")
        passfile = base / "pgpass"
        passfile.write_text(f"{HOSTS['db']}:5432:replication:replicator:{self.passwords['replicator']}\n")
        os.chmod(passfile, 0o600)
        shutil.chown(passfile, "postgres", "postgres")
        env = {**_base_env(), "PGPASSFILE": str(passfile)}
        self.run_in(
            "replica",
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                HOSTS["db"],
                "-U",
                "replicator",
                "-D",
                str(data),
                "-X",
                "stream",
                "-c",
                "fast",
                "-S",
                "pingyi_replica",
                "-R",
            ],
            env=env,
            user="postgres",
            timeout=180,
        )
        self.replica_data = data
        self.replica_options = (
            f"-c listen_addresses=localhost,{HOSTS['replica']} -c unix_socket_directories={sockets}"
        )
        self.pg_ctl("replica", data, "start", self.replica_options)
        self.clusters.append(data)

    def replica_sql(self, sql: str) -> str:
        sockets = self.root / "replica-sockets"
        return self.run_in(
            "replica",
            [str(PG_BIN / "psql"), "-h", str(sockets), "-U", "postgres", "-d", "pingyi", "-qAt", "-c", sql],
            user="postgres",
        ).strip()

    # -- PgBouncer, Redis, nginx ------------------------------------------------------------------------------------
    def pool(self) -> None:
        base = self.postgres_dir("pool")
        (base / "userlist.txt").write_text(f'"pingyi" "{self.passwords["pingyi"]}"\n', encoding="utf-8")
        # The pooler's file as deployed, with the drill's paths (a second [pgbouncer] section would reset the first).
        paths = {
            "auth_file": base / "userlist.txt",
            "logfile": base / "pgbouncer.log",
            "pidfile": base / "pgbouncer.pid",
            "unix_socket_dir": base,
        }
        lines = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            key = line.split("=", 1)[0].strip()
            if key in paths and not line.lstrip().startswith(";"):
                lines[index] = f"{key} = {paths[key]}"
        (base / "pgbouncer.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # A copy the postgres user can run (a binary built into root's cache is out of its reach).
        shutil.copy2(pgbouncer_binary() or "pgbouncer", base / "pgbouncer")
        for path in base.iterdir():
            shutil.chown(path, "postgres", "postgres")
        self.start_pool()

    def start_pool(self) -> None:
        self.start(
            "pgbouncer",
            "pool",
            [str(self.root / "pool" / "pgbouncer"), str(self.root / "pool" / "pgbouncer.ini")],
            _base_env(),
            user="postgres",
        )
        self.wait_port("pool", HOSTS["pool"], 6432)

    def redis(self) -> None:
        base = self.root / "redis"
        base.mkdir()
        self.start(
            "redis",
            "redis",
            [
                "redis-server",
                "--bind",
                HOSTS["redis"],
                "--port",
                "6379",
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(base),
            ],
            _base_env(),
        )
        self.wait_port("redis", HOSTS["redis"], 6379)

    def proxy(self) -> None:
        base = self.root / "proxy"
        for sub in ("tls", "log", "tmp", "home/static", "acme"):
            (base / sub).mkdir(parents=True)
        os.chmod(base / "tmp", 0o777)
        _sh(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={SERVER_NAME}",
            "-addext",
            f"subjectAltName=DNS:{SERVER_NAME}",
            "-keyout",
            str(base / "tls" / "privkey.pem"),
            "-out",
            str(base / "tls" / "fullchain.pem"),
        )
        nginx = DEPLOY / "nginx"
        shutil.copy(nginx / "pingyi-proxy.conf", base / "pingyi-proxy.conf")
        # The upstream as deployed, less the second instance per host (the drill runs one `pingyi serve` per host).
        upstream = (nginx / "pingyi-upstream.conf").read_text(encoding="utf-8")
        (base / "pingyi-upstream.conf").write_text(
            "".join(line for line in upstream.splitlines(keepends=True) if ":8002" not in line),
            encoding="utf-8",
        )
        site = (nginx / "pingyi-site.conf").read_text(encoding="utf-8")
        for production, drill in {
            "/etc/nginx/pingyi/": f"{base}/",
            "/etc/ssl/pingyi/": f"{base}/tls/",
            "/var/log/nginx/pingyi.access.log;": f"{base}/log/access.log drill;",
            "/var/log/nginx/": f"{base}/log/",
            "/var/lib/pingyi": f"{base}/home",
            "/var/www/acme": f"{base}/acme",
        }.items():
            site = site.replace(production, drill)
        if not Path("/proc/sys/net/ipv6").exists():
            site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
        (base / "pingyi-site.conf").write_text(site, encoding="utf-8")
        (base / "nginx.conf").write_text(
            f"worker_processes 1;\npid {base}/nginx.pid;\nerror_log {base}/log/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            '    log_format drill \'$msec $request_time $status $request_method $uri "$upstream_addr" '
            '"$upstream_status" $http_x_drill_id\';\n'
            f"    client_body_temp_path {base}/tmp/body;\n    proxy_temp_path {base}/tmp/proxy;\n"
            f"    fastcgi_temp_path {base}/tmp/fastcgi;\n    uwsgi_temp_path {base}/tmp/uwsgi;\n"
            f"    scgi_temp_path {base}/tmp/scgi;\n"
            f"    include {base}/pingyi-site.conf;\n}}\n",
            encoding="utf-8",
        )
        self.run_in("proxy", ["nginx", "-t", "-q", "-c", str(base / "nginx.conf")])
        self.start(
            "nginx", "proxy", ["nginx", "-c", str(base / "nginx.conf"), "-g", "daemon off;"], _base_env()
        )
        self.wait_port("proxy", HOSTS["proxy"], 443)

    # -- pingyi -----------------------------------------------------------------------------------------------------
    def keys(self) -> None:
        keys = self.root / "keys"
        keys.mkdir(mode=0o700)
        for name in ("secret_key", "field_key", "audit_key"):
            (keys / name).write_text(secrets.token_urlsafe(48), encoding="utf-8")
            os.chmod(keys / name, 0o600)
        pgpass = self.root / "pgpass"
        pgpass.write_text(f"*:*:*:pingyi:{self.passwords['pingyi']}\n", encoding="utf-8")
        os.chmod(pgpass, 0o600)

    def env(self, host: str) -> dict[str, str]:
        """deploy/systemd/pingyi.env as systemd reads it, with the drill's paths and host.env's values."""
        values = _environment_file(DEPLOY / "systemd" / "pingyi.env")
        home = self.root / "home" / host
        (home / "static").mkdir(parents=True, exist_ok=True)
        values.update(
            PINGYI_HOME=str(home),
            PINGYI_SECRET_KEY_FILE=str(self.root / "keys" / "secret_key"),
            PINGYI_FIELD_KEY_FILE=str(self.root / "keys" / "field_key"),
            PINGYI_AUDIT_KEY_FILE=str(self.root / "keys" / "audit_key"),
            PGPASSFILE=str(self.root / "pgpass"),
            PINGYI_BIND_HOST=HOSTS[host],
            # the drill's clock: a pin outlived in seconds, one job worker per host (two cores)
            PINGYI_REPLICA_PIN_SECONDS="2",
            PINGYI_WORKERS="1",
        )
        if host in WORKERS:  # host.env of a worker host: the session pool (docs/deploy.md)
            values["PINGYI_DATABASE_URL"] = (
                values["PINGYI_DATABASE_URL"].rsplit("/", 1)[0] + "/pingyi_session"
            )
        return {**_base_env(), **values}

    def unit_command(self, unit: str, env: dict[str, str], instance: str = "") -> list[str]:
        """The ExecStart of a deploy/systemd unit, with this venv's pingyi and systemd's ${VAR} and %i expanded."""
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
        command = (
            line.split("=", 1)[1].replace("/opt/pingyi/venv/bin/", f"{VENV_BIN}/").replace("%i", instance)
        )
        command = re.sub(r"\$\{(\w+)\}", lambda m: env[m[1]], command)
        return command.split()

    def migrate_and_seed(self, records: int) -> None:
        env = self.env("app1")
        # Migrations: once, as the table owner, straight to the primary (not through the transaction pool).
        direct = {**env, "PINGYI_DATABASE_URL": f"postgres://pingyi@{HOSTS['db']}:5432/pingyi"}
        direct.pop("PINGYI_REPLICA_DATABASE_URL")
        started = time.monotonic()
        self.run_in(
            "app1", [str(VENV_BIN / "pingyi"), "migrate", "--no-input", "-v", "0"], direct, timeout=600
        )
        say(f"migrated as the table owner in {time.monotonic() - started:.0f} s")
        self.seed = self.json_in("app1", [sys.executable, str(HERE / "data.py"), "seed", str(records)], env)

    def apps(self) -> None:
        for host in APPS:
            env = self.env(host)
            self.start(host, host, self.unit_command("pingyi-web@.service", env, str(APP_PORT)), env)
        urls = [f"http://{HOSTS[h]}:{APP_PORT}/healthz" for h in APPS]
        self.json_in(
            "client", [sys.executable, str(HERE / "client.py"), "wait", *urls], _base_env(), timeout=180
        )

    def workers(self) -> None:
        for host in WORKERS:
            env = self.env(host)
            self.start(host, host, self.unit_command("pingyi-worker@.service", env, "1"), env)

    def wait_port(self, host: str, address: str, port: int, seconds: float = 60) -> None:
        check = f"import socket; socket.create_connection(('{address}', {port}), timeout=2).close()"
        deadline = time.monotonic() + seconds
        while True:
            done = subprocess.run(self.argv("client", [sys.executable, "-c", check]), capture_output=True)  # noqa: S603
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise DrillError(f"{host} does not listen on {address}:{port} (logs in {self.root / 'logs'})")
            time.sleep(0.3)

    def client(self, command: str, spec: dict[str, Any], timeout: float = 300) -> Any:
        path = _spec_path(self, command, spec)
        return self.json_in(
            "client", [sys.executable, str(HERE / "client.py"), command, str(path)], _base_env(), timeout
        )

    def count(self, acks: dict[str, Any]) -> dict[str, Any]:
        path = self.root / "acks.json"
        path.write_text(json.dumps(acks), encoding="utf-8")
        return self.json_in(
            "app2", [sys.executable, str(HERE / "data.py"), "count", str(path)], self.env("app2")
        )

    def access_log(self) -> list[dict[str, Any]]:
        rows = []
        for line in (self.root / "proxy" / "log" / "access.log").read_text(encoding="utf-8").splitlines():
            found = re.match(r'(\S+) (\S+) (\d+) (\S+) (\S+) "([^"]*)" "([^"]*)" (\S+)', line)
            if found:
                ended, took = float(found[1]), float(found[2])
                rows.append(
                    {
                        "started": ended - took,
                        "ended": ended,
                        "status": int(found[3]),
                        "method": found[4],
                        "uri": found[5],
                        "upstreams": found[6].replace(" : ", ", ").split(", "),
                        "id": found[8],
                    }
                )
        return rows

    # -- the end ----------------------------------------------------------------------------------------------------
    def down(self) -> None:
        for process in self.processes.values():  # all asked at once, then waited for together
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while any(p.poll() is None for p in self.processes.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        for name in list(self.processes):
            self.stop(name, signal.SIGKILL, wait=5)
        for data in self.clusters:
            with suppress(Exception):
                pid = int((data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGQUIT)
        for data in self.clusters:
            for _ in range(50):
                if not (data / "postmaster.pid").exists():
                    break
                time.sleep(0.1)
        for name in reversed(self.namespaces):  # whatever still runs inside, started by us: ended by its id
            pids = subprocess.run(
                ["ip", "netns", "pids", name], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                with suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            subprocess.run(["ip", "netns", "del", name], capture_output=True)


class DrillError(Exception):
    """The topology could not be built."""


def _sh(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise DrillError(f"{' '.join(command)}: {done.stderr.strip()}")


def _base_env() -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", "HOME": "/root"}


def _environment_file(path: Path) -> dict[str, str]:
    """systemd's EnvironmentFile: KEY=value lines, # comments, double quotes around a value, no expansion."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            values[key.strip()] = value
    return values


# ---------------------------------------------------------------------------------------------- the drills ------
@dataclass
class Verdict:
    violations: list[str] = field(default_factory=list)

    def check(self, ok: bool, message: str) -> None:
        say(("ok   " if ok else "FAIL ") + message)
        if not ok:
            self.violations.append(message)


def drill_kill_app(topology: Topology, verdict: Verdict, quick: bool) -> None:
    devices, citizens, rate = (300, 150, 45) if quick else (600, 300, 45)
    say(
        f"drill 1: {devices} device ratings and {citizens} citizen posts at {rate}/s; kill -9 app1 a third of the way"
    )
    load = subprocess.Popen(  # noqa: S603
        topology.argv(
            "client",
            [
                sys.executable,
                str(HERE / "client.py"),
                "ratings",
                str(
                    _spec_path(
                        topology,
                        "ratings",
                        {"device_ratings": devices, "citizen_ratings": citizens, "rate": rate, "threads": 8},
                    )
                ),
            ],
        ),
        env=_base_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep((devices + citizens) / rate / 3)
    signalled_at = time.time()
    gunicorn = topology.processes.pop("app1")
    os.killpg(gunicorn.pid, signal.SIGKILL)  # the master and its workers, at once
    gunicorn.wait(timeout=10)
    deadline = (
        time.monotonic() + 2
    )  # the workers too (an exited process has closed its sockets, reaped or not)
    while _group_alive(gunicorn.pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    killed_at = time.time()
    say(
        f"app1's pingyi serve killed (SIGKILL to its process group: master and workers; gone after "
        f"{(killed_at - signalled_at) * 1000:.0f} ms)"
    )
    out, err = load.communicate(timeout=300)
    if load.returncode != 0:
        raise DrillError(f"rating load failed: {err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    acks = {
        "device_ids": [r["id"] for r in result["device"] if r["id"] is not None],
        "citizen_comments": [r["comment"] for r in result["citizen"] if r["ok"]],
        "citizen_unanswered": [r["comment"] for r in result["citizen"] if not r["ok"]],
    }
    counts = topology.count(acks)
    retried = sum(1 for r in result["device"] if len(r["attempts"]) > 1)
    failed_device = sum(1 for r in result["device"] if r["id"] is None)
    for kind in ("device", "citizen"):
        c = counts[kind]
        say(
            f"  {kind}: acknowledged {c['acknowledged']} / stored {c['stored']} / lost {c['lost']} / "
            f"duplicated {c['duplicated']}"
            + (
                f" / unanswered {c['unanswered']} (of which stored {c['unanswered_stored']})"
                if kind == "citizen"
                else f" / retried {retried} / never acknowledged {failed_device}"
            )
        )
        verdict.check(c["lost"] == 0, f"{kind}: no acknowledged rating lost")
        verdict.check(c["duplicated"] == 0, f"{kind}: no rating stored twice")
    verdict.check(
        counts["device"]["stored"] == counts["device"]["acknowledged"],
        "device: stored = acknowledged (every retried rating stored once)",
    )
    verdict.check(
        failed_device == 0, "device: every rating acknowledged in the end (retries with the same key)"
    )
    app1, app2 = f"{HOSTS['app1']}:{APP_PORT}", f"{HOSTS['app2']}:{APP_PORT}"
    rows = [r for r in topology.access_log() if r["uri"].startswith(("/api/v1/device/ratings", "/r/"))]
    before = [r for r in rows if r["ended"] < signalled_at]
    during = [r for r in rows if r["ended"] >= signalled_at and r["started"] <= killed_at]
    after = [r for r in rows if r["started"] > killed_at]
    by_app1_before = sum(1 for r in before if r["upstreams"][-1] == app1)
    during_failed = sum(1 for r in during if r["status"] >= 500)
    final_app2 = sum(1 for r in after if r["upstreams"][-1] == app2)
    tried_app1 = sum(1 for r in after if app1 in r["upstreams"])
    bad_after = sum(1 for r in after if r["status"] >= 500)
    say(
        f"  proxy: before the kill {len(before)} requests ({by_app1_before} answered by app1); in flight at the kill "
        f"{len(during)} ({during_failed} answered 502: sent to app1, not replayed); after it {len(after)}, "
        f"{final_app2} answered by app2, {tried_app1} first tried on app1 and passed on, {bad_after} answered 5xx"
    )
    verdict.check(by_app1_before > 0, "before the kill both hosts answered")
    verdict.check(
        len(after) > 0 and final_app2 == len(after), "every request begun after the kill was answered by app2"
    )
    verdict.check(bad_after == 0, "no request begun after the kill was answered with an error")


def drill_stop_replica(topology: Topology, verdict: Verdict) -> None:
    say("drill 2: the replica, then without it")
    spec = {"rounds": 3, "pin_wait": 2.5}
    healthy = topology.client("pages", spec)
    readers = topology.replica_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'pingyi' AND usename = 'pingyi' "
        f"AND host(client_addr) IN ('{HOSTS['app1']}', '{HOSTS['app2']}')"
    )
    statuses = [s for seen in healthy["statuses"].values() for s in seen]
    say(
        f"  replica up: {len(statuses)} page reads, statuses {sorted(set(statuses))}; app connections on the replica: {readers}"
    )
    verdict.check(
        all(s == 200 for s in statuses),
        "replica up: the dashboard, the export and the public page answer 200",
    )
    verdict.check(int(readers) > 0, "replica up: the app hosts read from the replica")
    topology.pg_ctl("replica", topology.replica_data, "stop")
    say("  replica stopped (pg_ctl stop -m fast)")
    down = topology.client("pages", spec)
    for name, seen in down["statuses"].items():
        say(f"  replica down: {name} {len(seen)} reads, statuses {seen}")
        verdict.check(all(s == 200 for s in seen), f"replica down: {name} answers 200 from the primary")


def drill_restart_pool(topology: Topology, verdict: Verdict, first_record: int) -> None:
    seconds, rate = 14.0, 20.0
    say(f"drill 3: device reads and ratings at {rate:.0f}/s for {seconds:.0f} s; PgBouncer restarted at 4 s")
    load = subprocess.Popen(  # noqa: S603
        topology.argv(
            "client",
            [
                sys.executable,
                str(HERE / "client.py"),
                "steady",
                str(
                    _spec_path(
                        topology,
                        "steady",
                        {"seconds": seconds, "rate": rate, "threads": 4, "first_record": first_record},
                    )
                ),
            ],
        ),
        env=_base_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    stopped_at = time.time()
    # Immediate shutdown (SIGQUIT since 1.23, SIGTERM before): every client connection dropped, as by a crash or a
    # restart that does not wait (PgBouncer's safe shutdowns wait for Django's kept connections, which under load
    # do not go away).
    quick = signal.SIGQUIT if pgbouncer_version(pgbouncer_binary() or "") >= (1, 23) else signal.SIGTERM
    topology.stop("pgbouncer", quick)
    time.sleep(1.0)
    topology.start_pool()
    restarted_at = time.time()
    say(f"  PgBouncer stopped (immediate shutdown) and started again after {restarted_at - stopped_at:.1f} s")
    out, err = load.communicate(timeout=300)
    if load.returncode != 0:
        raise DrillError(f"steady load failed: {err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    reads = result["reads"]
    failed = [r for r in reads if r["status"] != 200]
    window = (max(r["ended"] for r in failed) - min(r["started"] for r in failed)) if failed else 0.0
    late = [r for r in reads if r["started"] > restarted_at + 3]
    first_attempt_failures = sum(1 for w in result["writes"] if w["attempts"][0] != 201)
    acks = {
        "device_ids": [w["id"] for w in result["writes"] if w["id"]],
        "citizen_comments": [],
        "citizen_unanswered": [],
    }
    counts = topology.count(acks)["device"]
    never = sum(1 for w in result["writes"] if w["id"] is None)
    say(
        f"  reads: {len(reads)}, failed {len(failed)} over {window:.1f} s; after the restart + 3 s: {len(late)}, "
        f"failed {sum(1 for r in late if r['status'] != 200)}"
    )
    say(
        f"  ratings: {len(result['writes'])} sent, {first_attempt_failures} failed at first and were retried, "
        f"never acknowledged {never}; all device ratings so far: acknowledged {counts['acknowledged']} "
        f"(this drill) / stored {counts['stored']} / lost {counts['lost']} / duplicated {counts['duplicated']}"
    )
    verdict.check(window <= 8.0, "requests failed for a short window only (at most 8 s)")
    verdict.check(
        len(late) > 0 and all(r["status"] == 200 for r in late), "every read 3 s after the restart succeeded"
    )
    verdict.check(
        never == 0 and counts["lost"] == 0 and counts["duplicated"] == 0,
        "ratings through the restart: every one acknowledged, stored once",
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _spec_path(topology: Topology, command: str, spec: dict[str, Any]) -> Path:
    path = topology.root / f"spec-{command}.json"
    base = {
        "proxy": HOSTS["proxy"],
        "server_name": SERVER_NAME,
        "ca_file": str(topology.root / "proxy" / "tls" / "fullchain.pem"),
        "seed": topology.seed,
    }
    path.write_text(json.dumps({**base, **spec}), encoding="utf-8")
    return path


def smoke(topology: Topology, verdict: Verdict) -> None:
    """The shape itself: TLS, the static fallback, the citizen page, jobs through Redis to the workers."""
    seen = topology.client("smoke", {})
    static, citizen, health = seen["static"], seen["citizen"], seen["healthz"]
    say(f"  static {static}, citizen page {citizen}, healthz {health} {seen['health']}")
    verdict.check(
        static == 200 and citizen == 200 and health == 200, "through the proxy: static, citizen page, healthz"
    )
    jobs = topology.json_in(
        "app1", [sys.executable, str(HERE / "data.py"), "jobs", "4"], topology.env("app1"), timeout=120
    )
    say(
        f"  jobs: {jobs['enqueued']} enqueued through Redis, {jobs['done']} run by the workers in {jobs['seconds']} s"
    )
    verdict.check(jobs["done"] == jobs["enqueued"], "the workers run the jobs enqueued through Redis")


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="pingyi-drill-"))
    os.chmod(root, 0o755)  # the postgres user walks through it to its own folders
    (root / "logs").mkdir()
    try:
        yield root
    finally:
        if keep:
            say(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--keep", action="store_true", help="leave the data directory (logs, configuration) behind"
    )
    parser.add_argument("--quick", action="store_true", help="a smaller rating load")
    args = parser.parse_args(argv)
    missing = prerequisites()
    if missing:
        print("drill: missing " + "; ".join(missing), file=sys.stderr)
        return 2
    started = time.monotonic()
    verdict = Verdict()
    with workspace(args.keep) as root:
        topology = Topology(root)
        old_handler = signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        try:
            say(f"building in {root}: namespaces pyd{topology.run}-*")
            topology.network()
            topology.primary()
            topology.replica()
            topology.pool()
            topology.redis()
            topology.keys()
            records = 800 if args.quick else 1400
            topology.migrate_and_seed(records)
            topology.apps()
            topology.workers()
            topology.proxy()
            say(f"up in {time.monotonic() - started:.0f} s")
            smoke(topology, verdict)
            drill_kill_app(topology, verdict, args.quick)
            drill_stop_replica(topology, verdict)
            drill_restart_pool(topology, verdict, first_record=(450 if args.quick else 900))
        except (DrillError, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as exc:
            verdict.violations.append(f"the drill could not finish: {exc}")
            say(f"FAIL {exc}")
            for log in sorted(
                [*(root / "logs").glob("*.log"), *root.glob("*/postgres.log"), *root.glob("*/*/*.log")]
            ):
                tail = log.read_text(errors="replace").splitlines()[-15:]
                print(f"--- {log.name}\n" + "\n".join(tail), file=sys.stderr)
        finally:
            topology.down()
            signal.signal(signal.SIGTERM, old_handler)
    took = time.monotonic() - started
    if verdict.violations:
        say(f"FAILED in {took:.0f} s: " + "; ".join(verdict.violations))
        return 1
    say(f"every drill held, in {took:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
