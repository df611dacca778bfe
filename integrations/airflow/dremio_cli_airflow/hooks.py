"""DremioHook: an Airflow connection turned into the environment of a ``dremio-cli`` process.

The hook never builds a Dremio client of its own: every call runs ``dremio-cli`` (the @df
TypeScript CLI) as a subprocess. The connection goes to that process as ``DREMIO_CONN``, a JSON
value in Airflow's own connection format, so secrets are never on its command line (visible in
``ps``) and never in the task log.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import threading
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from ._airflow import AirflowException, BaseHook

#: Exit codes of dremio-cli (see its README).
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class CliResult:
    """What one ``dremio-cli`` run produced."""

    def __init__(self, argv: List[str], returncode: int, stdout: str, stderr: str) -> None:
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    @property
    def summary(self) -> Optional[Dict[str, Any]]:
        """The last stdout line as JSON (the summary with ``--format json``), if it is JSON."""
        lines = self.stdout.strip().splitlines()
        if not lines:
            return None
        try:
            value = json.loads(lines[-1])
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


class DremioHook(BaseHook):
    """Runs ``dremio-cli`` with the Dremio connection ``dremio_conn_id``.

    :param dremio_conn_id: the Airflow connection (host, port, login, password, extra.pat,
        extra.project_id, extra.tls, extra.disable_certificate_verification).
    :param cli: the command that starts dremio-cli, as a list or a shell-style string; default
        the ``DREMIO_CLI`` environment variable, else ``dremio-cli`` on the PATH.
    """

    conn_name_attr = "dremio_conn_id"
    default_conn_name = "dremio_default"
    conn_type = "dremio"
    hook_name = "Dremio"

    def __init__(
        self,
        dremio_conn_id: str = default_conn_name,
        cli: Optional[Sequence[str] | str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.dremio_conn_id = dremio_conn_id
        if cli is None:
            cli = os.environ.get("DREMIO_CLI") or "dremio-cli"
        self.cli: List[str] = shlex.split(cli) if isinstance(cli, str) else list(cli)
        self._process: Optional[subprocess.Popen[str]] = None
        self._lock = threading.Lock()

    # -- connection -------------------------------------------------------------------------

    def connection_json(self) -> str:
        """The connection in Airflow's JSON form, for ``DREMIO_CONN``."""
        conn = self.get_connection(self.dremio_conn_id)
        extra = conn.extra_dejson if hasattr(conn, "extra_dejson") else {}
        value: Dict[str, Any] = {"conn_type": conn.conn_type or "dremio", "extra": extra or {}}
        for key in ("host", "port", "login", "password", "schema"):
            field = getattr(conn, key, None)
            if field not in (None, ""):
                value[key] = field
        return json.dumps(value)

    def get_conn(self) -> Dict[str, str]:
        """The environment variables the CLI reads the connection from (holds the secret)."""
        return {"DREMIO_CONN": self.connection_json()}

    def subprocess_env(self, extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        """This process's environment plus the connection (what ``append_env=True`` gives)."""
        env = dict(os.environ)
        env.update(self.get_conn())
        if extra:
            env.update(extra)
        return env

    # -- running the CLI --------------------------------------------------------------------

    def run_cli(
        self,
        args: Sequence[str],
        on_stderr: Optional[Callable[[str], None]] = None,
    ) -> CliResult:
        """Runs ``dremio-cli <args>`` in its own process group and waits for it.

        stderr lines go to ``on_stderr`` (the task log) as they come; stdout is returned.
        ``on_kill`` stops it with SIGTERM to its group, as Airflow's BashOperator does.
        """
        argv = [*self.cli, *args]
        process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=self.subprocess_env(),
            text=True,
            start_new_session=True,
        )
        with self._lock:
            self._process = process
        err_lines: List[str] = []

        def pump() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                err_lines.append(line)
                if on_stderr:
                    on_stderr(line.rstrip("\n"))

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        assert process.stdout is not None
        stdout = process.stdout.read()
        process.wait()
        reader.join()
        with self._lock:
            self._process = None
        return CliResult(argv, process.returncode, stdout, "".join(err_lines))

    def kill(self, grace: float = 5.0) -> None:
        """SIGTERM to the running CLI's process group (the CLI cancels its Dremio jobs), then
        SIGKILL after ``grace`` seconds if it is still there."""
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(os.getpgid(process.pid), signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(os.getpgid(process.pid), signal.SIGKILL)

    # -- the seed's DremioHook API ----------------------------------------------------------

    def run_sql(self, sql: str, *extra_args: str) -> Dict[str, Any]:
        """Runs ``sql`` (one or more statements) and returns the CLI's JSON summary.

        :raises AirflowException: when a statement fails (Dremio's message) or the CLI errors.
        """
        result = self.run_cli(["sql", sql, "--format", "json", *extra_args], self.log.info)
        summary = result.summary
        if result.returncode != EXIT_OK:
            raise AirflowException(failure_message("dremio-cli sql", result))
        if summary is None:
            raise AirflowException("dremio-cli sql printed no JSON summary.")
        return summary

    def get_records(self, sql: str) -> List[Dict[str, Any]]:
        """The rows of ``sql`` (its last statement) as a list of dicts."""
        return list(self.run_sql(sql).get("rows", []))

    def get_pandas_df(self, sql: str) -> Any:
        """The rows of ``sql`` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas  # type: ignore[import-not-found]
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise AirflowException("get_pandas_df needs pandas: pip install pandas") from error
        return pandas.DataFrame(self.get_records(sql))

    def run(self, sql: str) -> Dict[str, Any]:
        """Runs ``sql`` for its effect (DDL/DML); returns the summary (job ids, records affected)."""
        return self.run_sql(sql)


def failure_message(what: str, result: CliResult) -> str:
    """One clear message for a failed run: the summary's error, else the CLI's stderr."""
    summary = result.summary or {}
    detail = summary.get("error") or result.stderr.strip() or f"exit code {result.returncode}"
    jobs = summary.get("jobIds") or []
    where = f" (Dremio jobs: {', '.join(jobs)})" if jobs else ""
    if result.returncode == EXIT_SIGTERM:
        return f"{what} was stopped by SIGTERM (its Dremio jobs were cancelled): {detail}{where}"
    return f"{what} failed (exit {result.returncode}): {detail}{where}"
