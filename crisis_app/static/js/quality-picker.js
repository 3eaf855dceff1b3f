// Session participants on a phone: a search box filters the directory's list by name or profession (accents and
// case ignored); the ticked ones stay visible and are counted. Without JavaScript the whole list is shown.
(function () {
  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var search = picker.querySelector("[data-picker-search]");
    var items = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-item]"));
    var count = picker.querySelector("[data-picker-count]");
    var word = picker.querySelector("[data-picker-word]");
    var empty = picker.querySelector("[data-picker-empty]");
    var keys = items.map(function (item) { return fold(item.getAttribute("data-search") || item.textContent); });

    function refresh() {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      var shown = 0, ticked = 0;
      items.forEach(function (item, n) {
        var box = item.querySelector("input");
        var match = words.every(function (w) { return keys[n].indexOf(w) >= 0; });
        var visible = box.checked || (words.length ? match : n < 30);
        item.style.display = visible ? "" : "none";  // not [hidden]: the label's own display would win
        if (visible) { shown += 1; }
        if (box.checked) { ticked += 1; }
      });
      if (count) { count.textContent = String(ticked); }
      if (word) { word.textContent = ticked > 1 ? "choisis" : "choisi"; }
      if (empty) { empty.hidden = shown > 0; }
    }

    search.addEventListener("input", refresh);
    picker.addEventListener("change", refresh);
    refresh();
  });
})();
