// Follows a document a worker is making: moves the progress bar every second from the status endpoint and, once
// the document is made, starts its download and shows the page's "ready" state (without JavaScript, the page
// refreshes itself through its <noscript> meta refresh instead).
(function () {
  var box = document.querySelector("[data-document-status-url]");
  if (!box || box.getAttribute("data-status") === "ready" || box.getAttribute("data-status") === "failed") { return; }
  var url = box.getAttribute("data-document-status-url");
  var bar = box.querySelector("progress");
  var percent = box.querySelector('[data-testid="document-percent"]');
  var label = box.querySelector('[data-testid="document-state"]');

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { window.setTimeout(poll, 5000); return; }
        bar.value = status.progress;
        bar.textContent = status.progress + " %";
        percent.textContent = status.progress;
        label.textContent = status.label;
        if (status.waiting) { window.setTimeout(poll, 1000); return; }
        if (status.ready) { window.location.assign(status.download_url); }
        window.setTimeout(function () { window.location.reload(); }, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 500);
})();
