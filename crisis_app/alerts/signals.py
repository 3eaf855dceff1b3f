"""What alerts tell the packages above them (crises writes its journal from these), without importing them.

Each signal is sent inside the sender's transaction, with the alert as sender and keyword arguments
``crisis_id`` (or None), ``actor`` (a User or None) and ``summary`` (a French line for the journal).
"""

from blinker import Namespace

_signals = Namespace()

alert_sent = _signals.signal("alert-sent")
alert_cancelled = _signals.signal("alert-cancelled")
alert_ended = _signals.signal("alert-ended")
alert_complemented = _signals.signal("alert-complemented")  # a follow-up message on a running alert
alert_mobilised = _signals.signal("alert-mobilised")  # a mobilisation's next wave left, or « c'est complet »
