"""DremioSQLOperator and DremioDataQualityOperator, called as an Airflow task instance calls them
(render_template_fields, then execute with the context; on_kill to stop), on the real dremio-cli
and emulator."""

from __future__ import annotations

import logging
import os
import re
import shlex
import tempfile
import threading
import unittest

import support
from airflow.exceptions import AirflowException
from dremio_cli_airflow import DremioDataQualityOperator, DremioSQLOperator

DAY = "2026-11-26"


def run(task, ctx):
    task.render_template_fields(ctx)
    return task.execute(ctx)


class OperatorsTest(support.CliTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        DremioSQLOperator(
            task_id="setup",
            sql="CREATE TABLE staging.metrics_20261126 AS SELECT * FROM (VALUES"
            " ('u1', 3), ('u2', 1), (NULL, 0)) AS v(user_id, event_count)",
        ).execute(support.context(DAY))

    def test_keeps_the_seed_names_and_template_fields(self) -> None:
        self.assertEqual(tuple(DremioSQLOperator.template_fields), ("sql",))
        self.assertEqual(tuple(DremioSQLOperator.template_ext), (".sql",))
        self.assertEqual(tuple(DremioDataQualityOperator.template_fields), ("table_name",))
        task = DremioSQLOperator(task_id="t", sql="SELECT 1")
        self.assertEqual((task.dremio_conn_id, task.return_result), ("dremio_default", False))

    def test_airflow_renders_ds_and_return_result_pushes_the_rows(self) -> None:
        task = DremioSQLOperator(
            task_id="rows", sql="SELECT '{{ ds }}' AS ds, '{{ ds_nodash }}' AS n", return_result=True
        )
        self.assertEqual(run(task, support.context(DAY)), [{"ds": DAY, "n": "20261126"}])
        self.assertIsNone(run(DremioSQLOperator(task_id="none", sql="SELECT 1"), support.context(DAY)))

    def test_the_cli_renders_from_the_runs_logical_date_and_run_id(self) -> None:
        # Not rendered by Airflow here: the placeholders reach dremio-cli, which renders them from
        # --logical-date / --run-id, i.e. for the run's own day (a backfill), not for today.
        task = DremioSQLOperator(
            task_id="cli_side",
            sql="SELECT '{{ ds }}' AS ds, '{{ ts }}' AS ts, '{{ run_id }}' AS run_id",
            return_result=True,
        )
        ctx = support.context("2025-01-31")
        self.assertEqual(
            task.execute(ctx),
            [{"ds": "2025-01-31", "ts": "2025-01-31T00:00:00.000Z", "run_id": ctx["run_id"]}],
        )

    def test_reads_a_sql_file_through_template_ext(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "count.sql"), "w", encoding="utf-8") as f:
                f.write("SELECT COUNT(*) AS n FROM staging.metrics_{{ ds_nodash }}")
            task = DremioSQLOperator(
                task_id="file", sql="count.sql", return_result=True, template_searchpath=folder
            )
            self.assertEqual(run(task, support.context(DAY)), [{"n": 3}])

    def test_a_result_too_big_for_xcom_fails_with_advice(self) -> None:
        task = DremioSQLOperator(
            task_id="big", sql="SELECT * FROM (VALUES (1), (2), (3)) AS v(x)", return_result=True,
            max_rows=2,
        )
        with self.assertRaises(AirflowException) as caught:
            run(task, support.context(DAY))
        self.assertIn("more than --max-rows 2", str(caught.exception))
        self.assertIn("XCom", str(caught.exception))

    def test_a_failed_statement_fails_the_task_with_dremios_message(self) -> None:
        with self.assertRaises(AirflowException) as caught:
            run(DremioSQLOperator(task_id="bad", sql="SELECT * FROM nope.nothing"), support.context(DAY))
        self.assertIn("nope", str(caught.exception))

    def test_data_quality_passes_and_returns_the_report(self) -> None:
        task = DremioDataQualityOperator(
            task_id="dq_ok",
            table_name="staging.metrics_{{ ds_nodash }}",
            checks=[{"type": "row_count", "expr": "event_count > 0", "value": 2, "op": "ge"}],
        )
        report = run(task, support.context(DAY))
        self.assertTrue(report["passed"])
        self.assertEqual(report["table"], '"staging"."metrics_20261126"')

    def test_data_quality_raises_value_error_on_a_failed_check(self) -> None:
        task = DremioDataQualityOperator(
            task_id="dq_bad",
            table_name="staging.metrics_{{ ds_nodash }}",
            checks=[
                {"type": "not_null", "column": "user_id"},
                {"type": "row_count", "expr": "event_count > 0", "value": 1, "op": "ge"},
                {"type": "unique", "column": "user_id"},
                {"type": "values_in", "column": "user_id", "values": ["u1"]},
            ],
        )
        with self.assertRaises(ValueError) as caught:
            run(task, support.context(DAY))
        message = str(caught.exception)
        self.assertTrue(message.startswith("Data Quality Checks Failed: "), message)
        self.assertIn("not_null(user_id) (failed: observed 1, expected = 0)", message)
        self.assertIn("values_in(user_id) (failed: observed 1", message)
        self.assertNotIn("row_count", message)
        self.assertNotIn("unique", message)

    def test_an_unknown_check_type_is_an_error_not_a_skip(self) -> None:
        task = DremioDataQualityOperator(
            task_id="dq_typo", table_name="staging.metrics_20261126",
            checks=[{"type": "not_nul", "column": "user_id"}],
        )
        with self.assertRaises(AirflowException) as caught:
            run(task, support.context(DAY))
        self.assertIn("unknown check type", str(caught.exception))

    def test_on_kill_cancels_the_dremio_job(self) -> None:
        slow = support.Emulator(job_latency_ms=120_000)
        os.environ["AIRFLOW_CONN_DREMIO_SLOW"] = slow.connection()
        try:
            task = DremioSQLOperator(
                task_id="slow", sql="SELECT 1", dremio_conn_id="dremio_slow",
                cli=[*shlex.split(os.environ["DREMIO_CLI"]), "--verbose"],
            )
            submitted = threading.Event()

            class Watch(logging.Handler):
                def emit(self, record: logging.LogRecord) -> None:
                    if "POST /api/v3/sql -> 200" in record.getMessage():
                        submitted.set()

            task.log.addHandler(Watch())
            task.log.setLevel(logging.INFO)
            errors = []

            def execute() -> None:
                try:
                    task.execute(support.context(DAY))
                except AirflowException as error:
                    errors.append(error)

            worker = threading.Thread(target=execute)
            worker.start()
            self.assertTrue(submitted.wait(60), "the CLI never submitted the job")
            task.on_kill()
            worker.join(30)
            self.assertEqual(len(errors), 1)
            self.assertIn("stopped by SIGTERM", str(errors[0]))
            job_id = re.search(r"Dremio jobs: ([0-9a-f-]{36})", str(errors[0])).group(1)
            self.assertEqual(slow.job(job_id)["jobState"], "CANCELED")
        finally:
            del os.environ["AIRFLOW_CONN_DREMIO_SLOW"]
            slow.stop()


if __name__ == "__main__":
    unittest.main()
