"""The HTTP server's access log without query strings.

uvicorn logs each request line. A GET request carries its GraphQL query and variables in
the query string, which may hold a clear ID number (`personByIdNumber`) or phone: only the
path is logged (DESIGN §6)."""

import logging


class PathOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access: (client address, method, full path, HTTP version, status code).
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def keep_query_strings_out_of_the_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(existing, PathOnly) for existing in access.filters):
        access.addFilter(PathOnly())
