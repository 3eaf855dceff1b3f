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
    set("count-reached", counts.people.reached);
    set("count-waiting", counts.people.waiting);
    set("count-failed", counts.people.failed);
    Object.keys(counts.by_answer).forEach(function (code) {
      seen["answer-" + code] = true;
      if (!set("answer-" + code, counts.by_answer[code])) { complete = false; }
    });
    // a mobilisation: confirmed/N and the rest per profession; a wave that left adds people: reload then
    (alert.quotas || []).forEach(function (q) {
      var card = document.querySelector('[data-testid="quota-' + q.profession_code + '"]');
      if (!card) { return; }
      [["quota-confirmed", q.confirmed + "/" + q.count], ["quota-asked", q.asked], ["quota-reserve", q.reserve],
       ["quota-silent", q.silent], ["quota-no", q.no]].forEach(function (pair) {
        var el = card.querySelector('[data-testid="' + pair[0] + '"]');
        if (el) { el.textContent = pair[1]; }
      });
    });
    if (alert.waves && alert.waves.items.length) {
      var left = alert.waves.items.filter(function (w) { return w.launched_at; }).length;
      if (document.querySelectorAll("[data-wave-left]").length !== left) { complete = false; }
    }
    // a person's row changes when they answer: reload then, unless someone is typing
    var shown = document.querySelectorAll('[data-testid="person-answer"]').length;
    var answeredRows = document.querySelectorAll(".person-row.answered").length;
    if (shown && answeredRows !== counts.answered && shown >= counts.recipients) { complete = false; }
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
