/* The service worker of Web Push: shows each pushed notification and opens its page
   (an urgent request's invite) when tapped. It caches nothing: pages stay server-rendered. */
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function sameOriginPath(url) {
  // Only a path of this site is ever opened, whatever a payload says.
  if (typeof url !== "string" || url.charAt(0) !== "/" || url.charAt(1) === "/") {
    return "/notifications/";
  }
  return url;
}

self.addEventListener("push", function (event) {
  var message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (error) {
    message = {};
  }
  var title = message.title || "Quartier";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    tag: message.tag || undefined,
    data: {url: sameOriginPath(message.url)}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(sameOriginPath(event.notification.data && event.notification.data.url),
    self.location.origin).href;
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true})
    .then(function (windows) {
      for (var index = 0; index < windows.length; index += 1) {
        if (windows[index].url === target && "focus" in windows[index]) {
          return windows[index].focus();
        }
      }
      return self.clients.openWindow(target);
    }));
});
