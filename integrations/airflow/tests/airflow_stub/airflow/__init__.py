"""A minimal stand-in for Apache Airflow, for testing dremio_cli_airflow where Airflow cannot be
installed (these machines reach no Python package index). It keeps only what the module uses,
with Airflow 2's import paths and behaviour: ``BaseOperator`` (``task_id``, ``template_fields`` /
``template_ext`` rendering, ``log``, ``execute``, ``on_kill``), ``BaseHook.get_connection`` (from
``AIRFLOW_CONN_<ID>``, JSON or URI) and ``AirflowException``. It is NOT Airflow: the scheduler,
XCom, Jinja and the DAG model are absent; the tests call ``render_template_fields`` and
``execute`` as a task instance would.
"""
