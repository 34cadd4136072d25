/* The settings page's "push on this device" switch: registers the service worker,
   subscribes the browser with the platform's VAPID key and tells the server. Without
   JavaScript (or push support) the section only lists devices, with their Remove buttons. */
(function () {
  "use strict";
  var section = document.querySelector("[data-push]");
  if (!section || !("serviceWorker" in navigator) || !window.PushManager || !window.fetch) {
    return;
  }
  var controls = section.querySelector("[data-push-controls]");
  var status = section.querySelector("[data-push-status]");
  var turnOn = section.querySelector("[data-push-on]");
  var turnOff = section.querySelector("[data-push-off]");
  var csrf = section.querySelector("input[name=csrfmiddlewaretoken]");

  function say(key) {
    status.textContent = status.getAttribute("data-" + key) || "";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var index = 0; index < raw.length; index += 1) {
      bytes[index] = raw.charCodeAt(index);
    }
    return bytes;
  }

  function post(url, body) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
      body: JSON.stringify(body)
    }).then(function (answer) {
      if (!answer.ok) {
        throw new Error("refused");
      }
      return answer.json();
    });
  }

  function show(subscribed) {
    turnOn.hidden = subscribed;
    turnOff.hidden = !subscribed;
    say(subscribed ? "on" : "off");
  }

  var registration = navigator.serviceWorker.register(section.getAttribute("data-worker"), {scope: "/"});

  turnOn.addEventListener("click", function () {
    registration.then(function (worker) {
      return window.Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          throw new Error("denied");
        }
        return worker.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.getAttribute("data-key"))
        });
      });
    }).then(function (subscription) {
      return post(section.getAttribute("data-subscribe"), subscription.toJSON());
    }).then(function () {
      show(true);
    }).catch(function () {
      say("failed");
    });
  });

  turnOff.addEventListener("click", function () {
    registration.then(function (worker) {
      return worker.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) {
        return null;
      }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(section.getAttribute("data-unsubscribe"), {endpoint: endpoint});
      });
    }).then(function () {
      show(false);
    }).catch(function () {
      say("failed");
    });
  });

  registration.then(function (worker) {
    return worker.pushManager.getSubscription();
  }).then(function (subscription) {
    controls.hidden = false;
    show(Boolean(subscription));
  }).catch(function () {
    controls.hidden = true;
  });
}());
