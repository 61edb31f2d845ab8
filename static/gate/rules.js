// The gate's rule table on the device: the same decision as the server's
// (accreditation/gate/scan.py), in the contract's order: unknown, forged, revoked, refused,
// not_collected, not_valid_today, wrong_zone, already_inside. Pure: given the bundle, the
// code, the zone, the direction, the time and this device's own earlier scans.

import { parseCode, parseShort, verifyCode } from "./code.js";

const HANOI_OFFSET_MS = 7 * 3600 * 1000; // Vietnam keeps UTC+7 all year.
const DAY_MS = 86400000;
const indexes = new WeakMap();

/** The bundle's badge entry for a number (the newest version it knows), or undefined. */
export function badgeOf(bundle, number) {
  const badges = bundle.badges;
  if (!Array.isArray(badges)) return badges ? badges[number] : undefined;
  let index = indexes.get(badges);
  if (!index) {
    index = {};
    for (const badge of badges) {
      const known = index[badge.number];
      if (!known || known.version < badge.version) index[badge.number] = badge;
    }
    indexes.set(badges, index);
  }
  return index[number];
}

function hanoiDay(ms) {
  return Math.floor((ms + HANOI_OFFSET_MS) / DAY_MS);
}

/** The event's date at `now`: the server's event date when the bundle came, moved on by the
 * days the device's clock has seen since (the event clock may be pinned for a rehearsal). */
export function eventToday(bundle, now) {
  const since = bundle.fetched_at ? hanoiDay(now) - hanoiDay(bundle.fetched_at) : 0;
  const base = Date.parse(bundle.event_today + "T00:00:00Z");
  return new Date(base + since * DAY_MS).toISOString().slice(0, 10);
}

/** Is this badge inside `zone` by this device's own scans (granted ones, oldest first)?
 * Only today's count (since midnight in Hanoi), as on the server; a scan without a time
 * (`at`, in ms) counts. */
export function isInside(ownScans, number, zone, now) {
  const today = hanoiDay(now);
  let inside = false;
  for (const scan of ownScans || []) {
    if (scan.number === number && scan.zone === zone && scan.result === "granted" &&
        (scan.at == null || hanoiDay(scan.at) === today)) {
      inside = scan.direction === "in";
    }
  }
  return inside;
}

function judgeBadge(bundle, badge, codeVersion, zone, direction, now, ownScans) {
  const verdict = (reason, extra) =>
    Object.assign({ result: reason === "ok" ? "granted" : "denied", reason, badge }, extra || {});
  if (!badge) return { result: "denied", reason: "unknown", badge: null };
  if (codeVersion !== null && codeVersion !== badge.version) {
    // An older print is void; a newer one than the bundle knows is not on its list.
    return codeVersion < badge.version ? verdict("revoked") : { result: "denied", reason: "unknown", badge: null };
  }
  if (badge.revoked) return verdict("revoked");
  if (badge.refused) return verdict("refused");
  if (!badge.collected) return verdict("not_collected");
  const today = eventToday(bundle, now);
  if (today < badge.valid_from || today > badge.valid_until) return verdict("not_valid_today");
  if (!(badge.zones || []).includes(zone)) return verdict("wrong_zone");
  if (direction === "in" && isInside(ownScans, badge.number, zone, now)) {
    const policy = (bundle.zones.find((z) => z.code === zone) || {}).second_entry || "deny";
    if (policy === "deny") return verdict("already_inside");
    if (policy === "warn") return verdict("ok", { warning: "already_inside" });
  }
  return verdict("ok");
}

/**
 * Decide one scan on the device. `input` is the scanned text or a typed short number;
 * `ownScans` this device's earlier scans [{number, zone, direction, result, at?}], oldest first.
 * Resolves to {result, reason, badge, number, warning?}, or {error} for what cannot be
 * judged at all (unknown zone, a wrong check character).
 */
export async function decide(bundle, input, zone, direction, now, ownScans) {
  if (!bundle.zones.some((z) => z.code === zone)) return { error: "unknown_zone" };
  const short = parseShort(input);
  if (short) {
    if (short.error) return { error: short.error };
    const badge = badgeOf(bundle, short.number);
    return Object.assign({ number: short.number, short: short.short },
      judgeBadge(bundle, badge, null, zone, direction, now, ownScans));
  }
  const parsed = parseCode(input);
  if (parsed.error) return { result: "denied", reason: parsed.error, badge: null, number: null };
  if (!(await verifyCode(parsed, bundle.keys))) {
    return { result: "denied", reason: "forged", badge: null, number: null };
  }
  const badge = badgeOf(bundle, parsed.number);
  return Object.assign({ number: parsed.number },
    judgeBadge(bundle, badge, parsed.version, zone, direction, now, ownScans));
}
