// Live SMS length and segments (GSM-7 160/153, UCS-2 70/67); the server computes the same on preview.
(function () {
  var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var extension = "^{}\\[~]|€\f";
  function size(text) {
    var gsm = true, units = 0, i, c;
    for (i = 0; i < text.length; i++) {
      c = text.charAt(i);
      if (basic.indexOf(c) >= 0) { units += 1; } else if (extension.indexOf(c) >= 0) { units += 2; } else { gsm = false; break; }
    }
    if (!gsm) { units = text.length; }
    var single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return Array.from(text).length + " caractère(s) · " + (gsm ? "GSM-7" : "UCS-2") + " · " + segments + " SMS";
  }
  document.querySelectorAll("[data-sms-counter]").forEach(function (area) {
    var out = document.getElementById(area.getAttribute("data-sms-counter"));
    area.addEventListener("input", function () { out.textContent = size(area.value); });
  });
})();
