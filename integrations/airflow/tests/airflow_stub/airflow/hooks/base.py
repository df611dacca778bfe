"""``airflow.hooks.base`` (stand-in): ``BaseHook.get_connection`` reads ``AIRFLOW_CONN_<ID>``, as
Airflow's environment-variables secrets backend does."""

import logging
import os

from airflow.exceptions import AirflowException
from airflow.models.connection import Connection


class BaseHook:
    def __init__(self, logger_name=None):
        self._log = logging.getLogger(logger_name or f"airflow.task.hooks.{type(self).__name__}")

    @property
    def log(self):
        return self._log

    @classmethod
    def get_connection(cls, conn_id):
        value = os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}")
        if not value:
            raise AirflowException(f"The conn_id `{conn_id}` isn't defined")
        return Connection.from_env_value(conn_id, value)
