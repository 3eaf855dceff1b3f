// Distribution form: says the selected lot's unit beside the quantity and what the quantity means in all
// ("20 boîtes de 20 = 400 masques"), and narrows the recipient menu to what is typed in the search box.
// The server says the same in its confirmation; this is the last look before submitting.
(function () {
  var form = document.querySelector("form[data-distribution]");
  if (!form) { return; }
  var lot = form.querySelector("#lot_id");
  var quantity = form.querySelector("#quantity");
  var unitBox = form.querySelector("#quantity-unit");
  var totalBox = form.querySelector("#quantity-total");

  function plural(phrase, n) {
    if (n <= 1 || !phrase) { return phrase; }
    var parts = phrase.split(" ");
    if (!/[sxz]$/.test(parts[0])) { parts[0] += "s"; }
    return parts.join(" ");
  }

  function hint() {
    var option = lot.options[lot.selectedIndex];
    var unit = option ? option.getAttribute("data-unit") : "";
    unitBox.textContent = unit ? "× " + unit : "";
    var n = parseInt(quantity.value, 10);
    if (!unit || !(n > 0)) { totalBox.textContent = ""; return; }
    var text = n + " " + plural(unit, n);
    var size = parseInt(option.getAttribute("data-pack-size"), 10);
    var content = option.getAttribute("data-pack-content");
    if (size > 0 && content) { text += " = " + (n * size) + " " + plural(content, n * size); }
    totalBox.textContent = text;
  }

  lot.addEventListener("change", hint);
  quantity.addEventListener("input", hint);
  hint();

  var search = form.querySelector("[data-filters]");
  var menu = form.querySelector("#" + search.getAttribute("data-filters"));
  var all = Array.prototype.map.call(menu.options, function (option) {
    return {option: option, group: option.parentNode.tagName === "OPTGROUP" ? option.parentNode : null,
            text: option.textContent.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()};
  });
  var groups = Array.prototype.slice.call(menu.querySelectorAll("optgroup"));

  search.addEventListener("input", function () {
    var words = search.value.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/\s+/)
      .filter(Boolean);
    var chosen = menu.value;
    groups.forEach(function (group) { while (group.firstChild) { group.removeChild(group.firstChild); } });
    while (menu.firstChild) { menu.removeChild(menu.firstChild); }
    all.forEach(function (entry) {
      var keep = !entry.option.value || words.every(function (w) { return entry.text.indexOf(w) >= 0; });
      if (!keep) { return; }
      if (entry.group) {
        if (!entry.group.parentNode) { menu.appendChild(entry.group); }
        entry.group.appendChild(entry.option);
      } else {
        menu.appendChild(entry.option);
      }
    });
    menu.value = chosen;
    if (menu.value !== chosen && menu.options.length === 2) { menu.selectedIndex = 1; }
  });
})();
