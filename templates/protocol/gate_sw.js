// The gate app's service worker (accreditation/gate/app.py serves it). It keeps the gate
// page and its assets so that the gate opens with no network; the API and the photos are
// never cached here (the app keeps its bundle, scans and photos in IndexedDB).
const CONFIG = {{ config|safe }};
// On a network that hangs rather than fails, the copy kept answers after this long.
const NETWORK_WAIT_MS = 3000;

/** Keep the gate pages (the officer's signed-in copy, and the device page, which needs no
 * session), so that the gate opens offline after its first visit; a login page a redirect
 * answers with is not kept. */
async function keepPage(cache) {
  for (const page of [CONFIG.page, CONFIG.device_page]) {
    try {
      const response = await fetch(page, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(page, response);
    } catch (error) {
      // Kept at the next visit.
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CONFIG.cache)
      .then((cache) => cache.addAll(CONFIG.assets.concat([CONFIG.manifest])).then(() => keepPage(cache)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("hs-gate-") && name !== CONFIG.cache)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

/** The network's answer (kept for later under `key`), or the copy kept when the network
 * fails or hangs. */
async function networkFirst(request, key) {
  const cache = await caches.open(CONFIG.cache);
  const fromNetwork = fetch(request).then((response) => {
    // Not a login page that a redirect answered with: only the page itself is kept.
    if (response.ok && !response.redirected) cache.put(key, response.clone());
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS));
  try {
    const first = await Promise.race([fromNetwork, timeout]);
    if (first) return first;
  } catch (error) {
    // Offline: the copy kept below.
  }
  const kept = await cache.match(key);
  return kept || fromNetwork;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && (url.pathname === CONFIG.page || url.pathname === CONFIG.device_page)) {
    // One copy of each page, whatever zone and direction the query string holds.
    event.respondWith(networkFirst(request, url.pathname));
  } else if (CONFIG.assets.includes(url.pathname) || url.pathname === CONFIG.manifest) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
