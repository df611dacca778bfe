"""DremioHook against the real dremio-cli and emulator: the connection travels in the
environment (never argv, never the log), the seed's get_records/run API, clear failures."""

from __future__ import annotations

import logging
import os
import shlex
import threading
import unittest

import support
from airflow.exceptions import AirflowException
from dremio_cli_airflow import DremioHook


class DremioHookTest(support.CliTestCase):
    def test_the_connection_goes_to_the_environment_never_to_argv(self) -> None:
        hook = DremioHook()
        env = hook.get_conn()
        self.assertEqual(list(env), ["DREMIO_CONN"])
        self.assertIn(self.emulator.token, env["DREMIO_CONN"])
        result = hook.run_cli(["sql", "SELECT 1 AS one", "--format", "json"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn(self.emulator.token, " ".join(result.argv))
        self.assertEqual(result.summary["rows"], [{"one": 1}])

    def test_get_records_and_run(self) -> None:
        hook = DremioHook()
        self.assertEqual(hook.get_records("SELECT 40 + 2 AS answer"), [{"answer": 42}])
        summary = hook.run(
            "CREATE TABLE hook_t AS SELECT * FROM (VALUES (1), (2), (3)) AS v(x);"
            " INSERT INTO hook_t VALUES (4), (5)"
        )
        self.assertTrue(summary["ok"])
        self.assertEqual(len(summary["jobIds"]), 2)
        self.assertEqual(summary["statements"][1]["recordsAffected"], 2)
        self.assertEqual(hook.get_records("SELECT COUNT(*) AS n FROM hook_t"), [{"n": 5}])

    def test_a_failing_statement_raises_with_dremios_message(self) -> None:
        with self.assertRaises(AirflowException) as caught:
            DremioHook().run("SELECT * FROM nowhere.nothing")
        self.assertIn("dremio-cli sql failed (exit 1)", str(caught.exception))
        self.assertIn("nowhere", str(caught.exception))

    def test_the_uri_form_of_a_connection(self) -> None:
        uri = f"dremio://:{self.emulator.token}@127.0.0.1:{self.emulator.port}/?tls=false"
        os.environ["AIRFLOW_CONN_DREMIO_URI"] = uri
        try:
            self.assertEqual(DremioHook("dremio_uri").get_records("SELECT 7 AS n"), [{"n": 7}])
        finally:
            del os.environ["AIRFLOW_CONN_DREMIO_URI"]

    def test_the_task_log_never_shows_the_secret(self) -> None:
        hook = DremioHook(cli=[*shlex.split(os.environ["DREMIO_CLI"]), "--verbose"])
        with self.assertLogs(hook.log, level=logging.INFO) as logs:
            hook.run_sql("SELECT 1 AS one")
        text = "\n".join(logs.output)
        self.assertIn("PAT, from DREMIO_CONN", text)
        self.assertNotIn(self.emulator.token, text)

    def test_kill_sends_sigterm_to_the_group_and_the_job_is_cancelled(self) -> None:
        slow = support.Emulator(job_latency_ms=120_000)
        os.environ["AIRFLOW_CONN_DREMIO_SLOW"] = slow.connection()
        try:
            hook = DremioHook("dremio_slow", cli=[*shlex.split(os.environ["DREMIO_CLI"]), "--verbose"])
            submitted = threading.Event()
            results = []

            def on_stderr(line: str) -> None:
                if "POST /api/v3/sql -> 200" in line:
                    submitted.set()

            worker = threading.Thread(
                target=lambda: results.append(
                    hook.run_cli(["sql", "SELECT 1", "--format", "json"], on_stderr)
                )
            )
            worker.start()
            self.assertTrue(submitted.wait(60), "the CLI never submitted the job")
            hook.kill()
            worker.join(30)
            result = results[0]
            self.assertEqual(result.returncode, 143)
            self.assertEqual(result.summary["error"], "cancelled by SIGTERM")
            job_id = result.summary["jobIds"][0]
            self.assertEqual(slow.job(job_id)["jobState"], "CANCELED")
        finally:
            del os.environ["AIRFLOW_CONN_DREMIO_SLOW"]
            slow.stop()


if __name__ == "__main__":
    unittest.main()
