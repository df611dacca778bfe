"""Test support: the real dremio-cli and a real @df emulator (a Dremio-compatible REST server),
started as processes, and the task context Airflow would pass. Nothing of dremio-cli or of
Dremio's API is mocked; Airflow itself is the stand-in under ``airflow_stub/`` (it cannot be
installed here: no Python package index)."""

from __future__ import annotations

import json
import unittest
import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
TSX = (ROOT / "node_modules" / "tsx" / "dist" / "loader.mjs").as_uri()
NODE = os.environ.get("NODE", "node")

# Import paths: the stand-in first (as an installed `airflow`), then the module under test.
for path in (HERE / "airflow_stub", HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def cli_command() -> List[str]:
    """How the tests start dremio-cli: $DREMIO_CLI, else the checkout's TypeScript source."""
    if os.environ.get("DREMIO_CLI"):
        return shlex.split(os.environ["DREMIO_CLI"])
    return [NODE, "--conditions=@df/source", "--import", TSX, str(ROOT / "apps/cli/src/bin.ts")]


class Emulator:
    """`dremio-emulator --port 0` in a child process."""

    def __init__(self, job_latency_ms: int = 0) -> None:
        args = [NODE, "--conditions=@df/source", "--import", TSX,
                str(ROOT / "packages/emulator/src/cli.ts"), "--port", "0"]
        if job_latency_ms:
            args += ["--job-latency", str(job_latency_ms)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True, cwd=str(ROOT))
        assert self.process.stdout is not None
        head = ""
        for line in self.process.stdout:
            head += line
            if "PAT:" in line:
                break
        found = re.search(r"listening on (http://\S+)", head)
        token = re.search(r"PAT:\s+(\S+)", head)
        if not found or not token:
            self.stop()
            raise RuntimeError(f"the emulator did not start:\n{head}")
        self.url: str = found.group(1)
        self.token: str = token.group(1)
        self.port = int(self.url.rsplit(":", 1)[1])

    def connection(self) -> str:
        """The seed's connection JSON for AIRFLOW_CONN_DREMIO_DEFAULT (password = the PAT)."""
        return json.dumps({"conn_type": "dremio", "host": "127.0.0.1", "port": self.port,
                           "password": self.token, "extra": {"tls": False}})

    def job(self, job_id: str) -> Dict[str, Any]:
        """GET /api/v3/job/{id}, Dremio's job status."""
        request = urllib.request.Request(f"{self.url}/api/v3/job/{job_id}",
                                         headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


def context(day: str, **extra: Any) -> Dict[str, Any]:
    """The template context Airflow gives a scheduled run of `day` (a subset)."""
    when = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    ts = when.isoformat()
    return {"ds": when.date().isoformat(), "ds_nodash": when.strftime("%Y%m%d"), "ts": ts,
            "logical_date": when, "run_id": f"scheduled__{ts}", "params": {}, **extra}


class CliTestCase(unittest.TestCase):
    """A test class with its own emulator as the `dremio_default` connection, only that
    connection in the environment (no stray DREMIO_*), and DREMIO_CLI set to `cli_command()`."""

    emulator: Emulator

    @classmethod
    def setUpClass(cls) -> None:
        cls.emulator = Emulator()
        cls.saved_env = dict(os.environ)
        for key in list(os.environ):
            if key.startswith("DREMIO_") and key != "DREMIO_CLI":
                del os.environ[key]
        os.environ["AIRFLOW_CONN_DREMIO_DEFAULT"] = cls.emulator.connection()
        os.environ.setdefault("DREMIO_CLI", shlex.join(cli_command()))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.emulator.stop()
        os.environ.clear()
        os.environ.update(cls.saved_env)
