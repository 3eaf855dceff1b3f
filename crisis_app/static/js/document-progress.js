// Follows a document a worker is making: moves the progress bar every second from the status endpoint and, once
// the document is made, starts its download (when the user came asking for it) and shows the page's "ready" state.
// Without JavaScript, the page refreshes itself through its <noscript> meta refresh instead.
(function () {
  var box = document.querySelector("[data-document-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-document-status-url");
  var followUrl = box.getAttribute("data-follow-url");
  var auto = box.getAttribute("data-auto-download") === "1";
  var state = box.getAttribute("data-status");
  var bar = box.querySelector("progress");
  var percent = box.querySelector('[data-testid="document-percent"]');
  var label = box.querySelector('[data-testid="document-state"]');

  function done(status) {
    if (status.ready && auto) { window.location.assign(status.download_url); }
    // the plain page (without telecharger=1): coming back to it later does not download again
    window.setTimeout(function () { window.location.replace(followUrl); }, 1500);
  }

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
        done(status);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  if (state === "ready") {
    // made before the page came: download once the page has loaded (a navigation started earlier would abort it)
    if (auto) {
      window.addEventListener("load", function () {
        done({ready: true, download_url: box.querySelector('[data-testid="document-download"]').href});
      });
    }
    return;
  }
  if (state === "failed") { return; }
  window.setTimeout(poll, 500);
})();
