"""``airflow.models.connection`` (stand-in): a connection from Airflow's JSON or URI form."""

import json
from urllib.parse import parse_qsl, unquote, urlsplit


class Connection:
    def __init__(self, conn_id, conn_type=None, host=None, login=None, password=None,
                 schema=None, port=None, extra=None):
        self.conn_id = conn_id
        self.conn_type = conn_type
        self.host = host
        self.login = login
        self.password = password
        self.schema = schema
        self.port = port
        self.extra = extra if isinstance(extra, str) or extra is None else json.dumps(extra)

    @property
    def extra_dejson(self):
        if not self.extra:
            return {}
        try:
            return json.loads(self.extra)
        except ValueError:
            return {}

    @classmethod
    def from_env_value(cls, conn_id, value):
        value = value.strip()
        if value.startswith("{"):
            d = json.loads(value)
            return cls(conn_id, d.get("conn_type"), d.get("host"), d.get("login"),
                       d.get("password"), d.get("schema"), d.get("port"), d.get("extra"))
        url = urlsplit(value)
        query = dict(parse_qsl(url.query))
        extra = json.loads(query.pop("__extra__")) if "__extra__" in query else query
        return cls(conn_id, url.scheme.replace("-", "_"), url.hostname,
                   unquote(url.username) if url.username else None,
                   unquote(url.password) if url.password else None,
                   url.path.lstrip("/") or None, url.port, extra)
