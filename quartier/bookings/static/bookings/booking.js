/* Booking step 1, enhanced: a new duration reloads at once. A day's free times load in
   place through htmx (hx-get on the day links). Without scripts every link and form
   works as a plain page load. */
(function () {
  "use strict";
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  var select = document.querySelector("[data-duration-form] select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
