/* Every storefront page, enhanced: toasts get a close button; the account menu closes
   on Escape or a click elsewhere; parts swapped by htmx keep the CSP quiet. Without this file toasts stay and the menu (a
   <details>) opens and closes with its own button. */
(function () {
  "use strict";
  document.querySelectorAll(".q-toast [data-dismiss]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { button.closest(".q-toast").remove(); });
  });
  // htmx's settle step copies the attributes of the old element to the new one of the
  // same id. We never write style attributes (the CSP refuses them), but tools do (an
  // empty style="" left by screenshotters or extensions): copied, each would be a CSP
  // violation. The old elements are being replaced: drop those attributes first.
  function dropStyleAttributes() {
    document.querySelectorAll("[id][style]").forEach(function (el) { el.removeAttribute("style"); });
  }
  document.addEventListener("htmx:beforeSwap", dropStyleAttributes);
  document.addEventListener("htmx:oobBeforeSwap", dropStyleAttributes);
  var menu = document.querySelector("details.q-account");
  if (!menu) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) { menu.open = false; }
  });
})();
