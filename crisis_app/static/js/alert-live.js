// Follows an alert in flight: refreshes its counters every 5 s from the API, without reloading the page
// (a reload would wipe what the référent is typing). Reloads only when a new state appears or the alert ends.
(function () {
  var marker = document.querySelector("[data-live-url]");
  if (!marker) { return; }
  var url = marker.getAttribute("data-live-url");

  function set(id, value) {
    var el = document.querySelector('[data-testid="' + id + '"]');
    if (!el) { return false; }
    el.textContent = value;
    return true;
  }

  function typing() {
    var el = document.activeElement;
    return el && ["INPUT", "TEXTAREA", "SELECT"].indexOf(el.tagName) >= 0;
  }

  function apply(alert) {
    var counts = alert.counts, complete = true, seen = {};
    set("count-recipients", counts.recipients);
    set("count-answered", counts.answered);
    set("count-silent", counts.not_answered);
    Object.keys(counts.by_channel).forEach(function (channel) {
      Object.keys(counts.by_channel[channel]).forEach(function (state) {
        var id = "state-" + channel + "-" + state;
        seen[id] = true;
        if (!set(id, counts.by_channel[channel][state])) { complete = false; }
      });
    });
    document.querySelectorAll('[data-testid^="state-"]').forEach(function (el) {
      if (!seen[el.getAttribute("data-testid")]) { el.textContent = "0"; }
    });
    return complete && alert.status === "active";
  }

  function tick() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (alert) {
        if (alert && !apply(alert) && !typing()) { window.location.reload(); return; }
        setTimeout(tick, 5000);
      })
      .catch(function () { setTimeout(tick, 15000); });
  }

  setTimeout(tick, 5000);
})();
