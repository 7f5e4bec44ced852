// The service worker (served at /sw.js, scope /): keeps the offline page and the static assets,
// and answers a page request with /offline when the network fails. Pages themselves are never
// cached: they are personal and change with every gift.
const CACHE = "impactbeurs-v2";
const OFFLINE_URL = "/offline";
// Fetched without cookies: these are the same for everyone, and a response that carries the
// session cookie it was sent with could land after a log-in's answer and put the old, logged-out
// session back (the worker installs while the visitor is on the log-in page).
const PRECACHE = [
  OFFLINE_URL,
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/favicon.svg",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
].map((url) => new Request(url, { credentials: "omit" }));

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((cached) => {
        const network = fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        });
        return cached || network;
      })
    );
  }
});
