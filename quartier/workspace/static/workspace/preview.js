// Keeps the listing card preview in step with the form while the helper types.
// The page renders the same card on the server, so without this script it is only
// one save behind.
(function () {
  "use strict";
  var preview = document.getElementById("listing-preview");
  var form = preview && document.querySelector("form.ws-listing-form");
  if (!form) return;

  function slot(name) {
    return preview.querySelector('[data-preview="' + name + '"]');
  }

  function price(raw) {
    var text = (raw || "").trim().replace(",", ".");
    if (!/^\d{1,7}(\.\d{1,2})?$/.test(text)) return "\u2014";
    var amount = Number(text);
    if (!(amount > 0)) return "\u2014";
    return preview.dataset.currency + "\u00a0" + amount.toFixed(2);
  }

  function update() {
    var title = form.elements.title ? form.elements.title.value.trim() : "";
    slot("title").textContent = title || preview.dataset.emptyTitle;
    if (form.elements.price) slot("price").textContent = price(form.elements.price.value);
    var unit = form.querySelector('input[name="price_unit"]:checked');
    if (unit) slot("unit").textContent = preview.dataset["unit" + unit.value[0].toUpperCase() + unit.value.slice(1)] || "";
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
