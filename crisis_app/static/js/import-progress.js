// Follows a directory import run by a worker: moves the progress bar every 2 s from the status endpoint, and
// reloads the page once the worker has finished the phase (the preview, the report or the failure then shows).
(function () {
  var box = document.querySelector("[data-import-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector('[data-testid="import-percent"]');
  var label = box.querySelector('[data-testid="import-state"]');

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(poll, 5000); return; }
        bar.value = status.progress;
        bar.textContent = status.progress + " %";
        percent.textContent = status.progress;
        label.textContent = status.label;
        if (status.waiting) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
