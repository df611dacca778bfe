"""``airflow.models.baseoperator`` (stand-in): the operator base class, with Airflow's template
rendering reduced to what the tests need: each name in ``template_fields`` is rendered from the
task's context; a value ending in one of ``template_ext`` is first read from the file of that name
(relative to ``template_searchpath``); ``{{ name }}`` and ``{{ a.b }}`` are looked up in the
context, an unknown name renders as "" (Jinja's default ``Undefined``)."""

import logging
import os
import re

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")


class BaseOperator:
    template_fields = ()
    template_ext = ()

    def __init__(self, task_id, template_searchpath=None, **kwargs):
        self.task_id = task_id
        self.template_searchpath = template_searchpath
        self.kwargs = kwargs
        self._log = logging.getLogger(f"airflow.task.operators.{type(self).__name__}")

    @property
    def log(self):
        return self._log

    def render_template_fields(self, context, jinja_env=None):
        for name in self.template_fields:
            value = getattr(self, name)
            if isinstance(value, str) and self.template_ext and value.endswith(tuple(self.template_ext)):
                with open(os.path.join(self.template_searchpath or ".", value), encoding="utf-8") as f:
                    value = f.read()
            if isinstance(value, str):
                setattr(self, name, _PLACEHOLDER.sub(lambda m: str(_lookup(context, m.group(1))), value))

    def execute(self, context):
        raise NotImplementedError

    def on_kill(self):
        pass


def _lookup(context, dotted):
    value = context
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return ""
    return value
