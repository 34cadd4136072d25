/* Live updates: keeps the bell's count, a polite live region and the lists marked with
   data-live-kinds current through Server-Sent Events. Pages work without it. */
(function () {
  "use strict";
  var script = document.currentScript;
  var streamUrl = script && script.getAttribute("data-stream");
  if (!streamUrl || !window.EventSource || !window.JSON) {
    return;
  }
  var lastEventId = "";
  var failures = 0;
  var source = null;

  function announce(text) {
    var region = document.querySelector("[data-live-region]");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  function addToLists(item) {
    var lists = document.querySelectorAll("[data-live-kinds]");
    Array.prototype.forEach.call(lists, function (list) {
      var kinds = list.getAttribute("data-live-kinds").split(" ");
      if (kinds.indexOf("*") === -1 && kinds.indexOf(item.kind) === -1) {
        return;
      }
      var entry = document.createElement("li");
      entry.className = "is-unread is-live";
      entry.setAttribute("data-live-item", item.kind);
      if (item.url && item.url.charAt(0) === "/" && item.url.charAt(1) !== "/") {
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        entry.appendChild(link);
      } else {
        entry.textContent = item.title;
      }
      list.insertBefore(entry, list.firstChild);
    });
  }

  // Parts of a page marked data-live-refresh="<url>" are fetched again, rendered by the
  // server as on a reload, when a notification about that URL arrives (an offer on a
  // task, a helper taking a request, a message): the page and a reload never differ.
  function refreshRegions(item) {
    if (!item.url || !window.fetch || !window.DOMParser) {
      return;
    }
    var regions = Array.prototype.filter.call(
      document.querySelectorAll("[data-live-refresh][id]"),
      function (region) { return region.getAttribute("data-live-refresh") === item.url; }
    );
    if (!regions.length) {
      return;
    }
    window.fetch(window.location.pathname + window.location.search, {
      credentials: "same-origin",
      headers: {"Accept": "text/html"}
    }).then(function (answer) {
      return answer.ok ? answer.text() : null;
    }).then(function (html) {
      if (!html) {
        return;
      }
      var fresh = new window.DOMParser().parseFromString(html, "text/html");
      regions.forEach(function (region) {
        var replacement = fresh.getElementById(region.id);
        if (replacement) {
          region.replaceWith(document.importNode(replacement, true));
        }
      });
    }).catch(function () { /* the next event or a reload shows it */ });
  }

  function onNotification(event) {
    lastEventId = event.lastEventId || lastEventId;
    var item;
    try {
      item = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    var counts = document.querySelectorAll("[data-live-count]");
    Array.prototype.forEach.call(counts, function (count) {
      count.textContent = item.unread ? String(item.unread) : "";
    });
    addToLists(item);
    refreshRegions(item);
    announce(item.title);
  }

  function connect() {
    var url = streamUrl;
    if (lastEventId) {
      url += (url.indexOf("?") === -1 ? "?" : "&") + "last_event_id=" + encodeURIComponent(lastEventId);
    }
    source = new EventSource(url);
    source.addEventListener("open", function () { failures = 0; });
    source.addEventListener("notification", onNotification);
    source.addEventListener("error", function () {
      // The browser retries by itself after a dropped stream; after a refused one
      // (401, 5xx) EventSource gives up for good, so the script retries with backoff.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        failures += 1;
        var pause = Math.min(60000, 1000 * Math.pow(2, failures)) * (0.5 + Math.random() / 2);
        window.setTimeout(connect, pause);
      }
    });
  }

  window.addEventListener("pagehide", function () {
    if (source) {
      source.close();
    }
  });
  connect();
}());
