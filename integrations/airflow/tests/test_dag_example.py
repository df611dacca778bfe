"""The seed's "Complete DAG Example", ported: extract -> transform -> validate -> load -> cleanup,
each task called as Airflow's task instance would (render the template fields from the run's
context, then execute), in dependency order, for a scheduled run of 2026-11-26."""

from __future__ import annotations

import unittest

import support
from dremio_cli_airflow import DremioDataQualityOperator, DremioHook, DremioSQLOperator


def dag_tasks():
    """The DAG's tasks, in the order `extract >> transform >> dq_check >> load >> cleanup`."""
    extract = DremioSQLOperator(
        task_id="extract_raw_data",
        sql="""
            CREATE TABLE staging.raw_events_{{ ds_nodash }} AS
            SELECT * FROM raw.events
            WHERE CAST(event_time AS DATE) = DATE '{{ ds }}'
        """,
    )
    transform = DremioSQLOperator(
        task_id="transform_data",
        sql="""
            CREATE TABLE staging.metrics_{{ ds_nodash }} AS
            SELECT user_id, COUNT(*) AS event_count, MAX(event_time) AS last_event
            FROM staging.raw_events_{{ ds_nodash }}
            GROUP BY user_id
        """,
    )
    dq_check = DremioDataQualityOperator(
        task_id="validate_metrics",
        table_name="staging.metrics_{{ ds_nodash }}",
        checks=[
            {"type": "not_null", "column": "user_id"},
            {"type": "row_count", "expr": "event_count > 0", "value": 1, "op": "ge"},
        ],
    )
    load = DremioSQLOperator(
        task_id="load_to_analytics",
        sql="""
            INSERT INTO analytics.user_metrics
            SELECT DATE '{{ ds }}' AS metric_date, user_id, event_count, last_event
            FROM staging.metrics_{{ ds_nodash }}
        """,
    )
    cleanup = DremioSQLOperator(
        task_id="cleanup_staging",
        sql="""
            DROP TABLE staging.raw_events_{{ ds_nodash }};
            DROP TABLE staging.metrics_{{ ds_nodash }};
        """,
    )
    return [extract, transform, dq_check, load, cleanup]


class CompleteDagExampleTest(support.CliTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        values = ", ".join(
            f"('user_{i % 4}', 'evt', TIMESTAMP '2026-11-{25 + i % 2} 1{i % 10}:00:00')"
            for i in range(24)
        )
        DremioHook().run(
            f"CREATE TABLE raw.events AS SELECT * FROM (VALUES {values}) AS v(user_id, event_type, event_time);"
            " CREATE TABLE analytics.user_metrics (metric_date DATE, user_id VARCHAR,"
            " event_count BIGINT, last_event TIMESTAMP)"
        )

    def test_runs_the_daily_pipeline_for_its_logical_date(self) -> None:
        ctx = support.context("2026-11-26")
        for task in dag_tasks():
            task.render_template_fields(ctx)
            task.execute(ctx)
        hook = DremioHook()
        rows = hook.get_records(
            "SELECT CAST(metric_date AS VARCHAR) AS d, user_id, event_count"
            " FROM analytics.user_metrics ORDER BY user_id"
        )
        # The 12 events of 2026-11-26 (odd i) belong to user_1 and user_3; the 25th is left out.
        self.assertEqual(
            rows, [{"d": "2026-11-26", "user_id": f"user_{u}", "event_count": 6} for u in (1, 3)]
        )
        # cleanup_staging dropped both staging tables.
        left = hook.get_records(
            "SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.\"TABLES\""
            " WHERE TABLE_NAME LIKE '%20261126'"
        )
        self.assertEqual(left, [{"n": 0}])


if __name__ == "__main__":
    unittest.main()
