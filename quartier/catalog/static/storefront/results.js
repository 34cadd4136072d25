/* Results, enhanced: the sort applies on change, and the filter drawer starts open on
   wide screens. Without this file the "Sort" button and the <details> drawer work. */
(function () {
  "use strict";
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
  var drawer = document.querySelector("[data-drawer]");
  if (drawer && window.matchMedia("(min-width: 60rem)").matches) { drawer.open = true; }
})();
