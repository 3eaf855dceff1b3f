"""The failover's pure rules: when a try surely did not leave (so another provider may send it), when to switch,
when to come back. Time is passed in; the transport errors are real ones from loopback sockets."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

from crisis_app.core.notifications.base import TransportError
from crisis_app.core.notifications.failover import (
    BACKUP,
    PRIMARY,
    Rules,
    errors_in_row,
    fail_back_due,
    may_move,
    other,
    switch_for_backlog,
    switch_for_errors,
)
from crisis_app.core.notifications.providerstate import State
from crisis_app.core.notifications.transports import http_failure
from crisis_app.core.notifications.transports.jsonhttp import not_connected

RULES = Rules(errors=3, unsent_share=0.5, unsent_after=timedelta(minutes=5), quiet=timedelta(minutes=15))
T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "unsent", "permanent"), [
    (503, True, False),  # refused before acting on it
    (429, True, False),
    (408, True, False),
    (500, False, False),  # may have been taken before the error
    (502, False, False),
    (504, False, False),  # a gateway timed out waiting: the provider behind it may have sent
    (400, False, True),  # this message is refused for good, on any provider
    (401, False, True),
])
def test_which_provider_answers_say_the_sms_surely_did_not_leave(status, unsent, permanent):
    error = http_failure(status)
    assert (error.unsent, error.permanent) == (unsent, permanent)
    assert may_move(error) is unsent


def test_a_refused_connection_surely_did_not_leave():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(requests.ConnectionError) as refused:
        requests.post(f"http://127.0.0.1:{port}/sms", timeout=2)
    assert not_connected(refused.value) is True


def test_a_read_timeout_may_have_left():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    taken = []
    threading.Thread(target=lambda: taken.append(server.accept()), daemon=True).start()  # reads, never answers
    try:
        with pytest.raises(requests.ReadTimeout) as timeout:
            requests.post(f"http://127.0.0.1:{server.getsockname()[1]}/sms", data=b"{}", timeout=0.3)
        assert not_connected(timeout.value) is False
        assert may_move(TransportError("fournisseur injoignable", unsent=not_connected(timeout.value))) is False
    finally:
        for conn, _ in taken:
            conn.close()
        server.close()


def test_a_permanent_refusal_never_moves_even_if_unsent():
    assert may_move(TransportError("numéro invalide", permanent=True, unsent=True)) is False


def test_errors_in_row_count_the_failures_after_the_last_success():
    assert errors_in_row([True, False, False]) == (True, 2)
    assert errors_in_row([False, False]) == (False, 2)  # no success: added to the count carried over
    assert errors_in_row([False, True]) == (True, 0)
    assert errors_in_row([]) == (False, 0)


def test_switch_after_the_set_number_of_failures_in_a_row():
    assert switch_for_errors(2, PRIMARY, RULES) is None
    assert switch_for_errors(3, PRIMARY, RULES) == "3 envois de suite en échec chez le fournisseur principal"
    assert other(PRIMARY) is BACKUP and other(BACKUP) is PRIMARY


def test_switch_when_more_than_the_share_is_still_unsent():
    assert switch_for_backlog(5, 10, RULES) is None  # half: not more than the share
    assert switch_for_backlog(6, 10, RULES) == "6 SMS sur 10 toujours en attente après 5 min"
    assert switch_for_backlog(0, 0, RULES) is None


def test_back_to_the_primary_only_after_the_quiet_period():
    on_backup = State(active=BACKUP, since=T0, reason="3 envois de suite en échec")
    assert not fail_back_due(on_backup, T0 + timedelta(minutes=14, seconds=59), RULES)
    assert fail_back_due(on_backup, T0 + timedelta(minutes=15), RULES)
    assert not fail_back_due(State(active=PRIMARY, since=T0), T0 + timedelta(days=1), RULES)
