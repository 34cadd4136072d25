/* Booking step 1, enhanced: a day's free times load in place; a new duration reloads.
   Without this file every link and form works as a plain page load. */
(function () {
  "use strict";
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  var select = document.querySelector("[data-duration-form] select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
  var strip = document.querySelector(".bk-strip");
  if (!strip || !window.fetch) { return; }
  strip.addEventListener("click", function (event) {
    var link = event.target.closest("a.bk-day");
    if (!link) { return; }
    event.preventDefault();
    var url = new URL(link.href);
    url.hash = "";
    url.searchParams.set("fragment", "chips");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var chips = document.getElementById("bk-chips");
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#bk-chips");
        if (!chips || !fresh) { window.location = link.href; return; }
        chips.replaceWith(fresh);
        strip.querySelectorAll("a.bk-day").forEach(function (other) {
          other.classList.remove("is-chosen");
          other.removeAttribute("aria-current");
        });
        link.classList.add("is-chosen");
        link.setAttribute("aria-current", "date");
        url.searchParams.delete("fragment");
        history.replaceState(null, "", url);
        var first = fresh.querySelector("input[type=radio]");
        if (first) { first.focus(); }
      })
      .catch(function () { window.location = link.href; });
  });
})();
