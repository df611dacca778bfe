"""Airflow operators for Dremio, as thin wrappers over ``dremio-cli`` (the @df CLI).

    from dremio_cli_airflow import DremioHook, DremioSQLOperator, DremioDataQualityOperator

The names and parameters are dremioframe's (``DremioSQLOperator(sql, dremio_conn_id,
return_result)``, ``DremioDataQualityOperator(table_name, checks)``). See docs/airflow.md.
"""

from .hooks import CliResult, DremioHook
from .operators import DremioDataQualityOperator, DremioSQLOperator

__all__ = ["CliResult", "DremioDataQualityOperator", "DremioHook", "DremioSQLOperator"]
__version__ = "0.1.0"
