"""``airflow.exceptions`` (stand-in)."""


class AirflowException(Exception):
    """Base class of Airflow's errors: a task that raises it fails."""
