/* Every storefront page, enhanced: toasts get a close button; the account menu closes
   on Escape or a click elsewhere. Without this file toasts stay and the menu (a
   <details>) opens and closes with its own button. */
(function () {
  "use strict";
  document.querySelectorAll(".q-toast [data-dismiss]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { button.closest(".q-toast").remove(); });
  });
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
