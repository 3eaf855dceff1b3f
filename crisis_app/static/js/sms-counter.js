// Live SMS length and segments (GSM-7 160/153, UCS-2 70/67) and the characters that turn the text into UCS-2;
// the server computes the same (core/gsm.py) on "Recalculer" and replaces them on "Remplacer".
(function () {
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var extension = "^{}\\[~]|€\f";
  var names = {"\u00a0": "espace insécable", "\u202f": "espace fine insécable", "\u2009": "espace fine", "\t": "tabulation"};
  function check(text) {
    var units = 0, bad = [], i, c;
    for (i = 0; i < text.length; i++) {
      c = text.charAt(i);
      if (basic.indexOf(c) >= 0) { units += 1; } else if (extension.indexOf(c) >= 0) { units += 2; }
      else if (bad.indexOf(c) < 0) { bad.push(c); }
    }
    var gsm = bad.length === 0;
    if (!gsm) { units = text.length; }
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return {gsm: gsm, bad: bad, segments: segments, length: Array.from(text).length};
  }
  document.querySelectorAll("[data-sms-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-sms-counter"));
    var warning = document.getElementById(area.getAttribute("data-gsm-warning"));
    area.addEventListener("input", function () {
      var r = check(area.value);
      out.textContent = r.length + (r.length > 1 ? " caractères · " : " caractère · ") + (r.gsm ? "GSM-7" : "UCS-2") + " · " + r.segments + " SMS";
      if (!warning) { return; }
      warning.hidden = r.gsm;
      var list = warning.querySelector("[data-gsm-chars]");
      if (list) { list.textContent = r.bad.map(function (c) { return "« " + (names[c] || c) + " »"; }).join(", "); }
    });
  });
})();
