"""The few Airflow names this module needs, from Airflow 3 (``airflow.sdk``) or Airflow 2."""

try:  # Airflow 3
    from airflow.sdk import BaseHook, BaseOperator  # type: ignore[import-not-found]
except ImportError:  # Airflow 2
    from airflow.hooks.base import BaseHook  # type: ignore[import-not-found,no-redef]
    from airflow.models.baseoperator import BaseOperator  # type: ignore[import-not-found,no-redef]

from airflow.exceptions import AirflowException  # type: ignore[import-not-found]

__all__ = ["AirflowException", "BaseHook", "BaseOperator"]
