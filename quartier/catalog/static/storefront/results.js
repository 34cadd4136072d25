/* Results, enhanced: the sort applies on change, and the filter drawer starts open on
   wide screens. The form itself submits through htmx (hx-get on the form: only the
   results are swapped, the address bar follows). Without this file and htmx, the
   "Sort" button and the <details> drawer work as plain page loads. */
(function () {
  "use strict";
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
  var drawer = document.querySelector("[data-drawer]");
  var wide = window.matchMedia("(min-width: 60rem)");
  if (drawer && wide.matches) { drawer.open = true; }
  // On a phone the open drawer would hide the new results: close it once they arrive.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (drawer && !wide.matches && event.detail.target && event.detail.target.id === "rs-results") {
      drawer.open = false;
    }
  });
})();
