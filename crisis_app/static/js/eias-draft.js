// EIAS declaration: keep what was typed on this device (localStorage) until the declaration is sent, so a lost
// connection or a closed tab on a phone loses nothing. The draft never leaves the browser.
(function () {
  function clear(key) { try { window.localStorage.removeItem(key); } catch (e) { /* storage refused */ } }

  document.querySelectorAll("[data-draft-clear]").forEach(function (el) { clear(el.getAttribute("data-draft-clear")); });

  // "Copier le lien": the follow-up link to the clipboard (selected for a manual copy where the API is refused).
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      field.select();
      var done = function () { button.textContent = button.getAttribute("data-copied") || "Copié"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }
  var key = form.getAttribute("data-draft-key");
  var status = form.querySelector("[data-draft-status]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = el.value;
      }
    });
    try {
      window.localStorage.setItem(key, JSON.stringify(data));
      if (status) { status.hidden = false; }
    } catch (e) { /* private browsing or full storage: the form still works */ }
  }

  function restore() {
    var raw;
    try { raw = window.localStorage.getItem(key); } catch (e) { return; }
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { clear(key); return; }
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) >= 0;
      } else {
        el.value = data[el.name];
      }
    });
    if (status) { status.hidden = false; }
  }

  // After a refused submission the server shows what was sent: it wins over an older draft.
  if (form.getAttribute("data-draft-restore") === "1") { restore(); } else { save(); }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  var button = form.querySelector("[data-draft-clear-button]");
  if (button) {
    button.addEventListener("click", function () {
      if (!window.confirm("Effacer le brouillon ? Ce que vous avez écrit sera perdu.")) { return; }
      clear(key); form.reset(); if (status) { status.hidden = true; }
    });
  }
})();
