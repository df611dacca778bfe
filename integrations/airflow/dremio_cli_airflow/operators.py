"""DremioSQLOperator and DremioDataQualityOperator: the seed's operators, over ``dremio-cli``.

Both run the CLI as a subprocess in its own process group (like BashOperator), pass the
connection through the environment (``DREMIO_CONN``, never the command line), the run's logical
date and run id (``--logical-date``, ``--run-id``: a backfilled or retried task renders the
CLI-side ``{{ ds }}`` for its own day), read the last stdout line (the CLI's compact JSON
summary), and stop the CLI with SIGTERM to its group in ``on_kill`` (the CLI cancels its Dremio
jobs and exits 143).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._airflow import AirflowException, BaseOperator
from .hooks import EXIT_FAILED, EXIT_OK, DremioHook, failure_message


def run_context_args(context: Mapping[str, Any]) -> List[str]:
    """``--logical-date`` / ``--run-id`` from the task's context (Airflow 2 and 3)."""
    args: List[str] = []
    when = context.get("logical_date") or context.get("data_interval_start") or context.get("ts")
    if isinstance(when, datetime):
        args += ["--logical-date", when.isoformat()]
    elif isinstance(when, str) and when:
        args += ["--logical-date", when]
    run_id = context.get("run_id")
    if isinstance(run_id, str) and run_id:
        args += ["--run-id", run_id]
    return args


class _DremioCliOperator(BaseOperator):
    """What both operators share: the hook (built on first use) and ``on_kill``."""

    dremio_conn_id: str
    cli: Optional[Sequence[str] | str]
    _hook: Optional[DremioHook] = None

    @property
    def hook(self) -> DremioHook:
        if self._hook is None:
            self._hook = DremioHook(dremio_conn_id=self.dremio_conn_id, cli=self.cli)
        return self._hook

    def on_kill(self) -> None:
        """SIGTERM to the CLI's process group: the CLI cancels its Dremio jobs and exits 143."""
        self.hook.kill()


class DremioSQLOperator(_DremioCliOperator):
    """Runs SQL on Dremio: one statement or several separated by ``;`` (DDL, DML, SELECT).

    :param sql: the SQL (Jinja-templated by Airflow; a ``.sql`` file name is read as a template).
    :param dremio_conn_id: the Dremio connection. Default ``dremio_default``.
    :param return_result: push the last statement's rows to XCom (keep it small: more than
        ``max_rows`` rows fail the task; process big results in Dremio instead).
    :param max_rows: the row cap for ``return_result``. Default 1000.
    :param cli: the dremio-cli command (default ``DREMIO_CLI`` or ``dremio-cli``).
    """

    template_fields: Sequence[str] = ("sql",)
    template_ext: Sequence[str] = (".sql",)
    template_fields_renderers = {"sql": "sql"}
    ui_color = "#2ab8b5"

    def __init__(
        self,
        *,
        sql: str,
        dremio_conn_id: str = DremioHook.default_conn_name,
        return_result: bool = False,
        max_rows: int = 1000,
        cli: Optional[Sequence[str] | str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sql = sql
        self.dremio_conn_id = dremio_conn_id
        self.return_result = return_result
        self.max_rows = max_rows
        self.cli = cli

    def execute(self, context: Mapping[str, Any]) -> Optional[List[Dict[str, Any]]]:
        args = ["sql", self.sql, "--format", "json", "--max-rows", str(self.max_rows)]
        result = self.hook.run_cli([*args, *run_context_args(context)], self.log.info)
        if result.returncode != EXIT_OK:
            raise AirflowException(failure_message("dremio-cli sql", result))
        summary = result.summary
        if summary is None:
            raise AirflowException("dremio-cli sql printed no JSON summary.")
        jobs = ", ".join(summary.get("jobIds", []))
        affected = summary.get("recordsAffected")
        self.log.info(
            "Dremio job(s) %s: %s row(s)%s",
            jobs,
            summary.get("rowCount"),
            f", {affected} record(s) written" if affected is not None else "",
        )
        return list(summary.get("rows", [])) if self.return_result else None


class DremioDataQualityOperator(_DremioCliOperator):
    """Runs data-quality checks on a Dremio table; raises ``ValueError`` when one fails.

    :param table_name: the table (templated), e.g. ``staging.metrics_{{ ds_nodash }}``.
    :param checks: the check dicts: ``{"type": "not_null", "column": c}``,
        ``{"type": "unique", "column": c}``, ``{"type": "row_count", "expr": cond, "value": n,
        "op": "ge"}``, ``{"type": "values_in", "column": c, "values": [...]}`` (and the rest of
        dremio-cli's vocabulary). An unknown type is an error, not a skipped check.
    :param dremio_conn_id: the Dremio connection. Default ``dremio_default``.
    """

    template_fields: Sequence[str] = ("table_name",)
    ui_color = "#e8a33d"

    def __init__(
        self,
        *,
        table_name: str,
        checks: Sequence[Mapping[str, Any]],
        dremio_conn_id: str = DremioHook.default_conn_name,
        cli: Optional[Sequence[str] | str] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table_name = table_name
        self.checks = [dict(c) for c in checks]
        self.dremio_conn_id = dremio_conn_id
        self.cli = cli

    def execute(self, context: Mapping[str, Any]) -> Dict[str, Any]:
        args = ["dq", "check", "--table", self.table_name, "--checks", json.dumps(self.checks)]
        result = self.hook.run_cli([*args, "--format", "json", *run_context_args(context)])
        report = result.summary
        for line in result.stderr.splitlines():
            self.log.info(line)
        if result.returncode == EXIT_FAILED and report is not None and "checks" in report:
            failed = [c for c in report["checks"] if not c.get("passed")]
            for c in report["checks"]:
                self.log.info(
                    "%s %s: observed %s, expected %s",
                    c.get("status", "?").upper(),
                    c.get("name"),
                    json.dumps(c.get("observed")),
                    c.get("expected"),
                )
            raise ValueError(
                "Data Quality Checks Failed: "
                + "; ".join(
                    f"{c.get('name')} ({c.get('status')}: "
                    + (c.get("error") or f"observed {json.dumps(c.get('observed'))}, expected {c.get('expected')}")
                    + ")"
                    for c in failed
                )
            )
        if result.returncode != EXIT_OK or report is None:
            raise AirflowException(failure_message("dremio-cli dq check", result))
        self.log.info(
            "All %d checks passed on %s.", len(report.get("checks", [])), report.get("table")
        )
        return report
