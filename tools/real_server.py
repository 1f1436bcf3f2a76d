"""Install and run the real juniper-cascor 0.12.0 server on a loopback port.

    uv run python tools/real_server.py install   # a Python 3.12 venv with juniper-cascor 0.12.0
    uv run python tools/real_server.py start     # run it detached on 127.0.0.1:8212
    uv run python tools/real_server.py status    # is it running, and what does /v1/health say
    uv run python tools/real_server.py stop      # terminate it
    uv run python tools/real_server.py test      # all four around tests-integration against it
    uv run python tools/real_server.py workers --count 2   # numpy workers train the spirals

juniper-cascor needs Python 3.12: ``install`` finds the newest 3.12 that pyenv has and builds a
venv with uv holding ``juniper-cascor[api,ml]==0.12.0`` and ``juniper-cascor-worker==0.6.1``
(torch comes with its CUDA libraries: about 3.5 GB, a few minutes). Everything lives in one
directory, ``.real-server/`` in the repository by default (git-ignored): ``venv/``, the
server's scratch directory ``run/`` (snapshots, emptied on every start), ``server.log`` and
``server.json`` (pid and address of the running server). ``--venv`` uses a venv installed
elsewhere instead.

The server listens on 127.0.0.1 only. ``test`` installs when the venv lacks the server, starts
a fresh server, runs ``pytest tests-integration -rs`` with ``JUNIPER_CASCOR_TEST_URL`` pointing
at it (extra arguments go to pytest), and stops the server whatever the outcome. ``workers``
starts a fresh server, connects ``--count`` numpy workers (``juniper-cascor-numpy-worker``),
trains the two spirals through the REST client, prints what the server accepted and rejected of
each worker's results, and stops the server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / ".real-server"
DEFAULT_PORT = 8212
HOST = "127.0.0.1"
PYTHON_MINOR = "3.12"
SERVER_VERSION = "0.12.0"
REQUIREMENTS = ("juniper-cascor[api,ml]==0.12.0", "juniper-cascor-worker==0.6.1")

_START_TIMEOUT = 120.0
_STOP_TIMEOUT = 15.0
_KILL_TIMEOUT = 5.0
_POLL = 0.25
_PROOF_TIMEOUT = 900.0


class RealServerError(Exception):
    """A step of installing, starting or stopping the real server failed."""


@dataclass(frozen=True)
class Layout:
    """Where the tool keeps the venv, the server's scratch directory, its log and pid file."""

    home: Path
    venv: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.venv / "bin" / "python"

    @property
    def scratch(self) -> Path:
        """The server's working directory (its snapshots live in ``snapshots/`` below)."""
        return self.home / "run"

    @property
    def log(self) -> Path:
        """The server's standard output and error."""
        return self.home / "server.log"

    @property
    def state(self) -> Path:
        """``{"pid", "url"}`` of the running server."""
        return self.home / "server.json"


# -- install -----------------------------------------------------------------------------------
def find_python() -> Path:
    """The newest Python 3.12 that pyenv knows.

    Raises:
        RealServerError: when pyenv is missing or has no Python 3.12.
    """
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        raise RealServerError(
            f"juniper-cascor {SERVER_VERSION} needs Python {PYTHON_MINOR}, found through pyenv, "
            "and pyenv is not on PATH (or pass --python)"
        )
    listed = _run_text([pyenv, "versions", "--bare"]).split()
    pattern = re.compile(rf"{re.escape(PYTHON_MINOR)}\.(\d+)")
    patches = [int(match[1]) for name in listed if (match := pattern.fullmatch(name))]
    if not patches:
        raise RealServerError(
            f"pyenv has no Python {PYTHON_MINOR} (it has: {', '.join(listed) or 'none'}); "
            f"install one with `pyenv install {PYTHON_MINOR}` (or pass --python)"
        )
    version = f"{PYTHON_MINOR}.{max(patches)}"
    prefix = Path(_run_text([pyenv, "prefix", version]).strip())
    python = prefix / "bin" / f"python{PYTHON_MINOR}"
    if not python.is_file():
        raise RealServerError(f"pyenv's Python {version} has no interpreter at {python}")
    return python


def installed_version(layout: Layout) -> str | None:
    """The juniper-cascor version in the venv, or ``None`` when it has none."""
    if not layout.python.is_file():
        return None
    probe = "import importlib.metadata as m; print(m.version('juniper-cascor'))"
    result = subprocess.run(
        [str(layout.python), "-c", probe], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def server_imports(layout: Layout) -> bool:
    """Whether the venv's server modules import (a few seconds: they load torch)."""
    result = subprocess.run(
        [str(layout.python), "-c", "import api.app"], capture_output=True, check=False
    )
    return result.returncode == 0


def install(layout: Layout, python: Path | None) -> None:
    """Create the venv (unless it exists) and install the server and worker into it.

    ``juniper-cascor`` and ``juniper-cascor-model`` both ship a top-level ``cascor_constants``
    package, and the server only starts with its own copy; which copy a single install leaves
    depends on the order the installer writes them. So the server is reinstalled (without its
    dependencies) last, and the install is checked by importing the server's modules.

    Raises:
        RealServerError: when no Python 3.12 is found, uv fails, or the server does not import.
    """
    if installed_version(layout) == SERVER_VERSION and server_imports(layout):
        print(f"juniper-cascor {SERVER_VERSION} is already installed in {layout.venv}")
        return
    layout.home.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    if not layout.python.is_file():
        interpreter = python if python is not None else find_python()
        _run_checked([*uv, "venv", "--python", str(interpreter), str(layout.venv)])
    pip = [*uv, "pip", "install", "--python", str(layout.python)]
    _run_checked([*pip, *REQUIREMENTS])
    _run_checked([*pip, "--reinstall-package", "juniper-cascor", "--no-deps", REQUIREMENTS[0]])
    if installed_version(layout) != SERVER_VERSION or not server_imports(layout):
        raise RealServerError(f"juniper-cascor {SERVER_VERSION} in {layout.venv} does not import")
    print(f"installed juniper-cascor {SERVER_VERSION} in {layout.venv}")


def _uv() -> list[str]:
    uv = shutil.which("uv")
    return [uv] if uv is not None else [sys.executable, "-m", "uv"]


def _run_text(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RealServerError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result.stdout


def _run_checked(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, check=False).returncode != 0:
        raise RealServerError(f"{' '.join(command)} failed")


# -- start, status, stop -----------------------------------------------------------------------
def health(url: str, timeout: float = 2.0) -> dict[str, object] | None:
    """The body of ``GET {url}/v1/health``, or ``None`` when nothing healthy answers."""
    try:
        with urllib.request.urlopen(f"{url}/v1/health", timeout=timeout) as response:
            body = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, port)) == 0


def start(layout: Layout, port: int, api_key: str | None) -> str:
    """Start a fresh server (empty scratch directory) detached; returns its URL once healthy.

    Raises:
        RealServerError: when the venv lacks the server, one is already running, the port is
            taken, or the server does not answer ``/v1/health`` within the deadline.
    """
    if installed_version(layout) != SERVER_VERSION:
        raise RealServerError(
            f"{layout.venv} has no juniper-cascor {SERVER_VERSION}: run `install` first"
        )
    if running_pid(layout) is not None:
        raise RealServerError(f"a server started from {layout.home} is running: `stop` it first")
    if _port_in_use(port):
        raise RealServerError(f"something already listens on {HOST}:{port}; pick --port")
    shutil.rmtree(layout.scratch, ignore_errors=True)
    (layout.scratch / "snapshots").mkdir(parents=True)
    env = {
        **os.environ,
        "JUNIPER_CASCOR_HOST": HOST,
        "JUNIPER_CASCOR_PORT": str(port),
        "JUNIPER_CASCOR_SNAPSHOTS_DIR": str(layout.scratch / "snapshots"),
    }
    if api_key:
        env["JUNIPER_CASCOR_API_KEYS"] = json.dumps([api_key])
    with layout.log.open("wb") as log:
        process = subprocess.Popen(
            [str(layout.python), "-m", "src.server"],
            cwd=layout.scratch,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://{HOST}:{port}"
    layout.state.write_text(json.dumps({"pid": process.pid, "url": url}), encoding="utf-8")
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            layout.state.unlink(missing_ok=True)
            raise RealServerError(f"the server exited with {process.returncode}; see {layout.log}")
        if health(url) is not None:
            print(f"juniper-cascor is up at {url} (pid {process.pid}, log {layout.log})")
            return url
        time.sleep(_POLL)
    stop(layout)
    raise RealServerError(f"no answer on {url}/v1/health within {_START_TIMEOUT:.0f} s")


def _recorded(layout: Layout) -> tuple[int, str] | None:
    try:
        state = json.loads(layout.state.read_text(encoding="utf-8"))
        return int(state["pid"]), str(state["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a child of this process that exited is reaped, not alive)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    return not cmdline.exists() or b"src.server" in cmdline.read_bytes()


def running_pid(layout: Layout) -> int | None:
    """The pid of the server this directory started, when it still runs."""
    recorded = _recorded(layout)
    return recorded[0] if recorded is not None and _alive(recorded[0]) else None


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(_POLL)
    return not _alive(pid)


def stop(layout: Layout) -> bool:
    """Terminate the server this directory started (its whole process group); ``False`` when
    none was running.

    Raises:
        RealServerError: when it survives SIGKILL.
    """
    pid = running_pid(layout)
    if pid is None:
        layout.state.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)
    if not _wait_gone(pid, _STOP_TIMEOUT):
        os.killpg(pid, signal.SIGKILL)
        if not _wait_gone(pid, _KILL_TIMEOUT):
            raise RealServerError(f"the server (pid {pid}) survived SIGKILL")
    layout.state.unlink(missing_ok=True)
    print(f"stopped the server (pid {pid})")
    return True


def status(layout: Layout) -> bool:
    """Print whether the server runs and what its health says; ``True`` when it runs."""
    recorded = _recorded(layout)
    if recorded is None or not _alive(recorded[0]):
        print(f"no server started from {layout.home} is running")
        return False
    pid, url = recorded
    body = health(url)
    said = f"{body.get('service')} {body.get('version')}" if body else "no answer on /v1/health"
    print(f"running: pid {pid} at {url}: {said}")
    return True


def run_tests(layout: Layout, port: int, api_key: str | None, pytest_args: list[str]) -> int:
    """Install when needed, start a fresh server, run tests-integration against it, stop it.

    Raises:
        RealServerError: when installing or starting fails.
    """
    install(layout, None)
    url = start(layout, port, api_key)
    env = {**os.environ, "JUNIPER_CASCOR_TEST_URL": url}
    if api_key:
        env["JUNIPER_CASCOR_API_KEY"] = api_key
    try:
        extra = pytest_args[1:] if pytest_args[:1] == ["--"] else pytest_args
        command = [sys.executable, "-m", "pytest", "tests-integration", "-rs", *extra]
        print("+", " ".join(command), flush=True)
        return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
    finally:
        stop(layout)


def prove_workers(layout: Layout, port: int, workers: int, epochs: int) -> int:
    """Install when needed, start a fresh server, train the two spirals with ``workers``
    numpy workers through our REST client, print per worker what the server accepted and
    rejected, stop the server. Exit status 0 when every worker had results accepted, none
    rejected, and the run completed.

    Raises:
        RealServerError: when installing or starting fails.
    """
    from contextlib import ExitStack

    from juniper_cascor_client import JuniperCascorClient
    from juniper_cascor_numpy_worker.thread import WorkerThread

    install(layout, None)
    url = start(layout, port, None)
    try:
        with ExitStack() as stack, JuniperCascorClient(url) as client:
            threads = [
                stack.enter_context(
                    WorkerThread(
                        url.replace("http", "ws", 1), name=f"numpy-{n}", heartbeat_interval=1.0
                    )
                )
                for n in range(workers)
            ]
            print(f"{client.list_workers()['data']['count']} worker(s) registered", flush=True)
            x, y = _spirals()
            client.create_network(input_size=2, output_size=1)
            started = time.monotonic()
            client.start_training(
                dataset={"source": "inline"},
                inline_data={"train_x": x, "train_y": y},
                epochs=epochs,
            )
            final = client.wait_for_training(timeout=_PROOF_TIMEOUT, poll_interval=1.0)["data"]
            wall = time.monotonic() - started
            hidden = client.get_network()["data"].get("hidden_units")
            accuracy = client.get_metrics()["data"].get("train_accuracy")
        state = final["state_machine"]["status"]
        print(
            f"run: {state} ({final.get('completion_reason')}) in {wall:.1f} s, "
            f"hidden units {hidden}, accuracy {accuracy}"
        )
        good = state == "COMPLETED"
        for thread in threads:
            worker = thread.worker
            print(
                f"worker {worker.worker_id}: trained {worker.tasks_completed}, failed "
                f"{worker.tasks_failed}, accepted {worker.accepted}, rejected {worker.rejected}"
            )
            good = good and worker.accepted > 0 and worker.rejected == 0
        print("PASS" if good else "FAIL")
        return 0 if good else 1
    finally:
        stop(layout)


def _spirals() -> tuple[list[list[float]], list[list[float]]]:
    """The two spirals of ``examples/data/two_spirals.csv`` (x, y, class per row)."""
    rows = (ROOT / "examples" / "data" / "two_spirals.csv").read_text().splitlines()[1:]
    values = [[float(cell) for cell in row.split(",")] for row in rows if row.strip()]
    return [row[:-1] for row in values], [row[-1:] for row in values]


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help="home of the venv, log and pid file"
    )
    parser.add_argument("--venv", type=Path, default=None, help="the venv (default: DIR/venv)")
    commands = parser.add_subparsers(dest="command", required=True)
    install_cmd = commands.add_parser("install", help="create the venv with the server")
    install_cmd.add_argument(
        "--python", type=Path, default=None, help="a Python 3.12 (default: found with pyenv)"
    )
    for name, text in (("start", "start a fresh server"), ("test", "run tests-integration")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--port", type=int, default=DEFAULT_PORT)
        command.add_argument("--api-key", default=None, help="require this X-API-Key")
    proof = commands.add_parser(
        "workers", help="train the two spirals with numpy workers, report accepted/rejected"
    )
    proof.add_argument("--port", type=int, default=DEFAULT_PORT)
    proof.add_argument("--count", type=int, default=2, help="numpy workers (default 2)")
    proof.add_argument("--epochs", type=int, default=400)
    commands.add_parser("stop", help="stop the server")
    commands.add_parser("status", help="is the server running")
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    home: Path = args.dir.resolve()
    layout = Layout(home, (args.venv or home / "venv").resolve())
    try:
        if args.command == "install":
            install(layout, args.python)
        elif args.command == "start":
            start(layout, args.port, args.api_key)
        elif args.command == "stop":
            if not stop(layout):
                print(f"no server started from {layout.home} is running")
        elif args.command == "status":
            return 0 if status(layout) else 1
        elif args.command == "workers":
            return prove_workers(layout, args.port, args.count, args.epochs)
        else:
            return run_tests(layout, args.port, args.api_key, extra)
    except RealServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
