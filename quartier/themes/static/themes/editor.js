// Live preview of the theme editor's colours, font and radius on a sample, with the
// WCAG contrast ratios the server will check (the server's verdict is the one that counts).
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{6}$/;

  function channel(value) {
    var srgb = value / 255;
    return srgb <= 0.04045 ? srgb / 12.92 : Math.pow((srgb + 0.055) / 1.055, 2.4);
  }
  function luminance(hex) {
    var r = parseInt(hex.slice(1, 3), 16), g = parseInt(hex.slice(3, 5), 16), b = parseInt(hex.slice(5, 7), 16);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function shown(value) {
    return (Math.floor(value * 100) / 100).toFixed(2);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".q-theme-form");
    var swatch = document.getElementById("theme-swatch");
    var output = document.getElementById("theme-contrast");
    var stacksElement = document.getElementById("theme-font-stacks");
    if (!form || !swatch || !output) { return; }
    var stacks = stacksElement ? JSON.parse(stacksElement.textContent) : {};
    var labelsElement = document.getElementById("theme-contrast-labels");
    var labels = labelsElement ? JSON.parse(labelsElement.textContent) : {};

    function value(name) {
      var input = form.elements[name];
      return input ? input.value : "";
    }

    function update() {
      var colours = {
        primary: value("primary"), secondary: value("secondary"),
        background: value("background"), text: value("text")
      };
      var valid = Object.keys(colours).every(function (key) { return HEX.test(colours[key]); });
      if (!valid) { output.textContent = ""; return; }
      Object.keys(colours).forEach(function (key) {
        swatch.style.setProperty("--s-" + key, colours[key]);
      });
      var font = stacks[value("font")];
      if (font) { swatch.style.setProperty("--s-font", font); }
      var radius = parseInt(value("radius"), 10);
      if (radius >= 0 && radius <= 24) { swatch.style.setProperty("--s-radius", radius + "px"); }
      var primaryOnBackground = ratio(colours.primary, colours.background);
      swatch.style.setProperty("--s-link", primaryOnBackground >= 4.5 ? colours.primary : colours.text);
      var checks = [
        [labels.text, ratio(colours.text, colours.background), 4.5],
        [labels.primary, ratio("#ffffff", colours.primary), 4.5],
        [labels.secondary, ratio(colours.secondary, colours.background), 3]
      ];
      output.textContent = checks.map(function (check) {
        return check[0] + ": " + shown(check[1]) + ":1 " + (check[1] >= check[2] ? "✓ " + labels.passes : "✗ " + labels.fails + " " + check[2] + ":1");
      }).join(" · ");
    }

    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  });
})();
