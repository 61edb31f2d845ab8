// The gate's two conversations with the server while it is reachable: the gate bundle
// (GET /api/gate/bundle/, ETag and `since`) and the upload of the scans decided on this
// device (POST /api/checkin/batch/, at most BATCH_SIZE per request, each stored once by
// its nonce). Both go through `call`, the app's fetch: it signs a request with the session
// (and its CSRF token) or with the device's token (app.js, apiFetch).

import { saveBundle, pendingScans, markSynced, markRefused, countPending } from "./store.js";

export const BATCH_SIZE = 500;

/** The bundle after a `since` answer: changed badges replace theirs (newest version kept),
 * removed numbers go. A full answer starts again from nothing. */
export function mergeBundle(current, answer, fetchedAt, etag) {
  const badges = answer.full || !current ? {} : Object.assign({}, current.badges);
  for (const badge of answer.badges || []) {
    const known = badges[badge.number];
    if (!known || known.version <= badge.version) badges[badge.number] = badge;
  }
  for (const number of answer.removed || []) delete badges[number];
  return {
    version: answer.version,
    etag: etag || null,
    event_today: answer.event_today,
    generated_at: answer.generated_at,
    offline_max_minutes: answer.offline_max_minutes,
    keys: answer.keys || (current && current.keys) || [],
    zones: answer.zones || (current && current.zones) || [],
    badges,
    fetched_at: fetchedAt,
  };
}

/** Ask for what changed since the bundle we hold. Resolves to the bundle to keep (a 304
 * only renews its time); rejects when the server cannot be reached or answers an error. */
export async function refreshBundle(url, current, call = fetch) {
  const address = new URL(url, window.location.href);
  const headers = { Accept: "application/json" };
  if (current) {
    address.searchParams.set("since", current.version);
    if (current.etag) headers["If-None-Match"] = current.etag;
  }
  const response = await call(address, { headers, cache: "no-store" });
  const now = Date.now();
  let bundle;
  if (response.status === 304 && current) {
    bundle = Object.assign({}, current, { fetched_at: now });
  } else if (response.ok) {
    bundle = mergeBundle(current, await response.json(), now, response.headers.get("ETag"));
  } else {
    const error = new Error("bundle " + response.status);
    error.status = response.status;
    throw error;
  }
  await saveBundle(bundle);
  return bundle;
}

function wireScan(scan) {
  const item = {
    zone: scan.zone, direction: scan.direction, nonce: scan.nonce,
    scanned_at: scan.scanned_at, result: scan.result, reason: scan.reason,
  };
  if (scan.short) item.short = scan.short;
  else item.code = scan.code;
  return item;
}

/** The scans of a refused batch that the answer names: {nonce: message}. The service names
 * one as "scans[<index>].<field>"; the serializer answers a list, one entry per scan. */
function refusedItems(answer, scans) {
  const refused = {};
  const errors = (answer && answer.errors) || {};
  for (const [field, messages] of Object.entries(errors)) {
    const match = /^scans\[(\d+)\]/.exec(field);
    if (match && scans[Number(match[1])]) refused[scans[Number(match[1])].nonce] = String(messages);
  }
  if (Array.isArray(errors.scans)) {
    errors.scans.forEach((item, index) => {
      if (item && Object.keys(item).length && scans[index]) refused[scans[index].nonce] = JSON.stringify(item);
    });
  }
  return refused;
}

/** Send every waiting scan, batch after batch. Resolves to how many the server now holds;
 * rejects (the scans stay waiting) when it cannot be reached. */
export async function uploadScans(url, device, call = fetch) {
  let sent = 0;
  for (;;) {
    const scans = await pendingScans(BATCH_SIZE);
    if (!scans.length) return sent;
    const waiting = Math.max(0, (await countPending()) - scans.length);
    const response = await call(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ scans: scans.map(wireScan), device, waiting }),
    });
    if (response.status === 400) {
      // All or nothing: one malformed scan refuses the batch. Take it (them) out of the queue,
      // or it would block every scan behind it, and send the rest again.
      const refused = refusedItems(await response.json().catch(() => ({})), scans);
      if (!Object.keys(refused).length) throw new Error("batch refused");
      await markRefused(refused);
      continue;
    }
    if (!response.ok) throw new Error("batch " + response.status);
    const answer = await response.json();
    const held = new Set(answer.accepted_nonces || []);
    const done = scans.map((scan) => scan.nonce).filter((nonce) => held.has(nonce));
    await markSynced(done);
    sent += done.length;
    // A batch the server did not take whole would be sent again at once, forever.
    if (done.length < scans.length) throw new Error("batch not taken whole");
  }
}
