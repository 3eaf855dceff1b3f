// Crisis pages kept open by the cellule. The journal appends new entries every 5 s without reloading (typing in
// the form is never wiped); the needs board reloads itself when its fingerprint changes and nobody is typing.
(function () {
  function typing() {
    var el = document.activeElement;
    return el && ["INPUT", "TEXTAREA", "SELECT"].indexOf(el.tagName) >= 0;
  }

  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function cell(row, label, text) {
    var td = document.createElement("td");
    if (label) { td.setAttribute("data-label", label); }
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function followJournal(marker) {
    var after = parseInt(marker.getAttribute("data-after"), 10) || 0;
    var body = document.querySelector('[data-testid="journal-rows"]');
    function tick() {
      getJSON(marker.getAttribute("data-journal-feed") + "?apres=" + after).then(function (data) {
        if (data) {
          data.items.forEach(function (e) {
            var row = document.createElement("tr");
            row.id = "entree-" + e.seq;
            cell(row, "N°", e.seq);
            cell(row, "Heure", e.at_paris);
            cell(row, "Nature", e.kind_label);
            cell(row, "Entrée", e.text).className = "prewrap";
            cell(row, "Auteur", e.author);
            cell(row, "", "");
            body.appendChild(row);
            after = Math.max(after, e.seq);
          });
          if (!data.active) { return; }
        }
        setTimeout(tick, 5000);
      }).catch(function () { setTimeout(tick, 15000); });
    }
    setTimeout(tick, 5000);
  }

  function followBoard(marker) {
    var version = marker.getAttribute("data-version");
    function tick() {
      getJSON(marker.getAttribute("data-board-feed")).then(function (data) {
        if (data && data.version !== version && !typing()) { window.location.reload(); return; }
        setTimeout(tick, 5000);
      }).catch(function () { setTimeout(tick, 15000); });
    }
    setTimeout(tick, 5000);
  }

  var journal = document.querySelector("[data-journal-feed]");
  if (journal) { followJournal(journal); }
  var board = document.querySelector("[data-board-feed]");
  if (board) { followBoard(board); }
})();
