// What the gate keeps on the device, in IndexedDB: the gate bundle, every scan made here
// (decided online or offline; the offline ones wait for the batch upload) and the photos it
// has seen, so that a face shows offline too; on a registered device, its token.

const DB_NAME = "hs-gate";
const DB_VERSION = 1;
let opened = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openStore() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore("meta");
        // synced: 0 waits for the upload, 1 is on the server (IndexedDB cannot index booleans).
        db.createObjectStore("scans", { keyPath: "nonce" }).createIndex("synced", "synced");
        db.createObjectStore("photos");
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opened;
}

async function tx(names, mode, work) {
  const db = await openStore();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(names, mode);
    let result;
    Promise.resolve(work(transaction)).then((value) => { result = value; }, reject);
    transaction.oncomplete = () => resolve(result);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

export function loadBundle() {
  return tx(["meta"], "readonly", (t) => request(t.objectStore("meta").get("bundle")));
}

export function saveBundle(bundle) {
  return tx(["meta"], "readwrite", (t) => { t.objectStore("meta").put(bundle, "bundle"); });
}

export function addScan(scan) {
  return tx(["scans"], "readwrite", (t) => { t.objectStore("scans").put(scan); });
}

/** Every scan kept here, oldest first. */
export async function allScans() {
  const scans = await tx(["scans"], "readonly", (t) => request(t.objectStore("scans").getAll()));
  return scans.sort((a, b) => a.at - b.at);
}

/** Up to `limit` scans waiting for the upload, oldest first. */
export async function pendingScans(limit) {
  const scans = await tx(["scans"], "readonly", (t) =>
    request(t.objectStore("scans").index("synced").getAll(IDBKeyRange.only(0))));
  return scans.sort((a, b) => a.at - b.at).slice(0, limit);
}

export function countPending() {
  return tx(["scans"], "readonly", (t) =>
    request(t.objectStore("scans").index("synced").count(IDBKeyRange.only(0))));
}

export function markSynced(nonces) {
  return tx(["scans"], "readwrite", (t) => {
    const store = t.objectStore("scans");
    for (const nonce of nonces) {
      const req = store.get(nonce);
      req.onsuccess = () => {
        if (req.result && req.result.synced === 0) store.put(Object.assign(req.result, { synced: 1 }));
      };
    }
  });
}

export function savePhoto(number, dataUrl) {
  return tx(["photos"], "readwrite", (t) => { t.objectStore("photos").put(dataUrl, number); });
}

export function loadPhoto(number) {
  return tx(["photos"], "readonly", (t) => request(t.objectStore("photos").get(number)));
}

/** An officer undid this scan on the server: it no longer counts for "already inside". */
export function markUndone(nonce) {
  return tx(["scans"], "readwrite", (t) => {
    const store = t.objectStore("scans");
    const req = store.get(nonce);
    req.onsuccess = () => {
      if (req.result) store.put(Object.assign(req.result, { undone: 1 }));
    };
  });
}

/** The server refused these scans as malformed (`reasons`: nonce -> its message): they leave
 * the queue (synced 2) so that the scans behind them go, and stay here to be looked at. */
export function markRefused(reasons) {
  return tx(["scans"], "readwrite", (t) => {
    const store = t.objectStore("scans");
    for (const [nonce, message] of Object.entries(reasons)) {
      const req = store.get(nonce);
      req.onsuccess = () => {
        if (req.result) store.put(Object.assign(req.result, { synced: 2, refused: message }));
      };
    }
  });
}

/** The registered device's token ("gd_..."), or undefined: the app signs its calls with it. */
export function loadToken() {
  return tx(["meta"], "readonly", (t) => request(t.objectStore("meta").get("device_token")));
}

/** One write: the new token replaces the old at once, never half (a rotation's answer). */
export function saveToken(token) {
  return tx(["meta"], "readwrite", (t) => { t.objectStore("meta").put(token, "device_token"); });
}

/** Forget this device: the bundle, the token, the scans (sent ones) and the photos go, in
 * one transaction, unless scans still wait for the upload: those are never deleted. Resolves
 * to how many wait (0: everything is gone). */
export function forgetDevice() {
  return tx(["meta", "scans", "photos"], "readwrite", async (t) => {
    const waiting = await request(t.objectStore("scans").index("synced").count(IDBKeyRange.only(0)));
    if (waiting) return waiting;
    for (const name of ["meta", "scans", "photos"]) t.objectStore(name).clear();
    return 0;
  });
}
