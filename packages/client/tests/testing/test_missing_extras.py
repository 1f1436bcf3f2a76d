"""Without the ``[testing]`` extra, the fake server's entry points name the extra to install.

Each test runs a fresh interpreter in which the missing distribution is simulated: aiohttp made
unimportable (``sys.modules['aiohttp'] = None``), or the whole fake-server package hidden by a
meta-path finder. They check the message, the exit status and that no traceback is shown.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXTRA = "pip install 'juniper-cascor-client[testing]'"
_TIMEOUT = 120.0

_NO_AIOHTTP = "import sys\nsys.modules['aiohttp'] = None\n"
_NO_FAKE_SERVER = """\
import sys

class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "juniper_cascor_fake_server":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _Hide())
"""

_FIXTURE_TESTS = """\
def test_server(cascor_server):
    assert cascor_server


def test_ws_url(cascor_ws_url):
    assert cascor_ws_url


def test_client(cascor_client):
    assert cascor_client
"""


def _python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=_TIMEOUT,
        check=False,
        cwd=cwd,
    )


def test_running_the_testing_module_names_the_extra() -> None:
    code = _NO_AIOHTTP + (
        "import runpy\n"
        "sys.argv = ['juniper_cascor_client.testing', '--port', '0', '--duration', '0']\n"
        "runpy.run_module('juniper_cascor_client.testing', run_name='__main__')\n"
    )
    done = _python(code)
    assert done.returncode == 10, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("python -m juniper_cascor_client.testing: error: 'aiohttp'")
    assert EXTRA in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("command", [["serve-fake", "--port", "0", "--duration", "1"], ["demo"]])
def test_commands_running_the_fake_server_name_the_extra(command: list[str]) -> None:
    code = _NO_AIOHTTP + (
        f"from juniper_cascor_client.cli import main\nraise SystemExit(main({command!r}))\n"
    )
    done = _python(code)
    assert done.returncode == 10, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'aiohttp' is not installed" in lines[0]
    assert "pip install 'juniper-cascor-client[cli]'" in lines[0]
    assert "Traceback" not in done.stderr


def _run_fixture_tests(tmp_path: Path, prelude: str, *options: str) -> str:
    """Run three tests using the fixtures; return pytest's output after checking that all
    three errored in setup without an import traceback.

    ``-rN`` drops the short summary, whose lines pytest cuts to the terminal width: each
    message then appears once per test, whatever the width of the terminal running the suite."""
    (tmp_path / "test_fixtures.py").write_text(_FIXTURE_TESTS, encoding="utf-8")
    args = ["-q", "-rN", "-p", "no:cacheprovider", *options, "test_fixtures.py"]
    code = prelude + f"import pytest\nraise SystemExit(pytest.main({args!r}))\n"
    done = _python(code, cwd=tmp_path)
    assert done.returncode == 1, done
    assert "3 errors" in done.stdout, done.stdout
    for text in ("Traceback", "ModuleNotFoundError", "halted", "not found"):
        assert text not in done.stdout, done.stdout
    return done.stdout


def test_fixtures_without_aiohttp_name_the_extra(tmp_path: Path) -> None:
    """The fake server package is there but its dependency is not."""
    output = _run_fixture_tests(tmp_path, _NO_AIOHTTP)
    message = "the cascor_server fixture needs 'aiohttp', which is not installed; it comes "
    assert output.count(message + f"with the [testing] extra: {EXTRA}") == 3, output


def test_fixtures_without_the_fake_server_name_the_extra(tmp_path: Path) -> None:
    """Without the extra the fake server's plugin is not installed at all; the client's
    plugin then stands in for its fixtures. ``--assert=plain``: pytest's assertion rewriting
    would otherwise import the package the finder hides."""
    output = _run_fixture_tests(
        tmp_path, _NO_FAKE_SERVER, "--assert=plain", "-p", "no:juniper_cascor_fake_server"
    )
    message = "the cascor_server fixture comes with the [testing] extra, which is not installed"
    assert output.count(f"{message}: {EXTRA}") == 3, output
