"""The access logs of werkzeug (``make run``) and gunicorn (production) through the real servers' own logging code:
the follow-up secret never appears, a declaration's line holds no address, agent nor status telling it anonymous."""

from __future__ import annotations

import logging
import threading
import urllib.request
from datetime import timedelta
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from crisis_app.core import logfilter

SECRET = "Zq3v9RkT0pL1mN2bX8cY4wE7uI6oA5sD"
ADDRESS = "203.0.113.77"


@pytest.fixture
def access_records(caplog):
    logfilter.install()
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="werkzeug")
    caplog.set_level(logging.INFO, logger="gunicorn.access")
    return caplog


def _werkzeug_lines(caplog, path: str, method: str = "GET") -> list[str]:
    def app(environ, start_response):
        start_response("201 CREATED" if method == "POST" else "200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", method=method,
                                         data=b"x=1" if method == "POST" else None)
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            response.read()
    finally:
        server.shutdown()
        thread.join(30)
        server.server_close()
    return [r.getMessage() for r in caplog.records if r.name == "werkzeug" and path.split("/")[1] in r.getMessage()]


def test_werkzeug_never_logs_the_follow_up_secret(access_records):
    [line] = _werkzeug_lines(access_records, f"/suivi/{SECRET}")
    assert SECRET not in line and "/suivi/[masqué]" in line
    assert "127.0.0.1" not in line  # a declarer's page: no address


def test_werkzeug_logs_a_declaration_without_address_nor_its_201(access_records):
    [line] = _werkzeug_lines(access_records, "/qualite/declarer", method="POST")
    assert "127.0.0.1" not in line and " 201 " not in line and "2xx" in line, line


def test_werkzeug_keeps_other_lines_whole(access_records):
    [line] = _werkzeug_lines(access_records, "/annuaire")
    assert line.startswith("127.0.0.1 - - [") and "/annuaire" in line and " 200 " in line


def _gunicorn_line(caplog, path: str, status: str) -> str:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "-")
    logger = Logger(config)
    logfilter.install()  # gunicorn's setup keeps the filters a worker's app added
    environ = {"REQUEST_METHOD": "POST" if status.startswith("201") else "GET", "RAW_URI": path,
               "PATH_INFO": path, "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": ADDRESS,
               "HTTP_USER_AGENT": "DeclarantBrowser/9.9"}
    response = SimpleNamespace(status=status, headers=[], sent=10)
    request = SimpleNamespace(headers=[("USER-AGENT", "DeclarantBrowser/9.9"), ("X-FORWARDED-FOR", ADDRESS)])
    caplog.clear()
    logging.getLogger("gunicorn.access").propagate = True
    logger.access(response, request, environ, timedelta(milliseconds=12))
    return " ".join(r.getMessage() for r in caplog.records if r.name == "gunicorn.access")


def test_gunicorn_never_logs_the_follow_up_secret_nor_the_declarer(access_records):
    line = _gunicorn_line(access_records, f"/suivi/{SECRET}", "200 OK")
    assert line and SECRET not in line and ADDRESS not in line and "DeclarantBrowser" not in line


def test_gunicorn_logs_a_declaration_without_address_nor_its_201(access_records):
    line = _gunicorn_line(access_records, "/qualite/declarer", "201 CREATED")
    assert "/qualite/declarer" in line and ADDRESS not in line and " 201 " not in line and "2xx" in line


def test_gunicorn_keeps_other_lines_whole(access_records):
    line = _gunicorn_line(access_records, "/annuaire", "200 OK")
    assert ADDRESS in line and " 200 " in line


@pytest.mark.parametrize("prefix", ["r", "mot-de-passe", "confirmer"])
def test_answer_password_and_confirmation_links_are_masked_too(access_records, prefix):
    """Whoever reads the log must not answer an alert, choose a password or confirm a contact as its owner."""
    line = _gunicorn_line(access_records, f"/{prefix}/{SECRET}", "200 OK")
    assert line and SECRET not in line and f"/{prefix}/[masqué]" in line
    [served] = _werkzeug_lines(access_records, f"/{prefix}/{SECRET}")
    assert SECRET not in served


@pytest.mark.parametrize("prefix", ["questionnaire", "avis"])
def test_survey_links_are_masked_and_their_answers_logged_without_address(access_records, prefix):
    """Whoever reads the log must not answer a colleague's survey, nor tie an answer to an address and a time."""
    line = _gunicorn_line(access_records, f"/{prefix}/{SECRET}", "200 OK")
    assert line and SECRET not in line and f"/{prefix}/[masqué]" in line and ADDRESS not in line
    [served] = _werkzeug_lines(access_records, f"/{prefix}/{SECRET}", method="POST")
    assert SECRET not in served and "127.0.0.1" not in served and "2xx" in served
