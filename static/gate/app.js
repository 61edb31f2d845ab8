// The gate app: every scan, typed or read by a scanner or the camera, goes through one
// queue, in order, each with its own verdict. Online the server decides; when it cannot be
// reached (or the device is offline) the device decides from its gate bundle and keeps the
// scan for the batch upload. Nothing here decides: rules.js does.
//
// On a registered device (its "gd_..." token kept in IndexedDB) every call is signed with
// the token, not the session: the gate goes on when a staff session ends. The device page
// (config.device_page) opens with no session at all.

import { decide } from "./rules.js";
import { parseShort, useVerifier, verifierName } from "./code.js";
import * as store from "./store.js";
import { refreshBundle, uploadScans } from "./sync.js";
import * as ui from "./ui.js";
import { cameraAvailable, startCamera } from "./camera.js";
import { setupSearch } from "./search.js";

const REQUEST_TIMEOUT_MS = 5000;
// The log's name for this app's scans, online and uploaded alike.
const DEVICE_NAME = "gate app";
// A registered device's token starts with this (accreditation/services/gate_devices.py).
const TOKEN_PREFIX = "gd_";

const root = document.getElementById("gate-app");
const form = document.getElementById("checkin-form");
const input = document.getElementById("checkin-code");
const answerBox = document.getElementById("checkin-answer");
const logList = document.getElementById("gate-log");
const searchBox = document.getElementById("gate-search");
const statusNodes = {
  network: document.getElementById("gate-network"),
  age: document.getElementById("gate-bundle-age"),
  pending: document.getElementById("gate-pending"),
};
const config = JSON.parse(root.dataset.config);
const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
ui.setStrings(config.strings);

const state = {
  bundle: null,
  ownScans: [], // {number, zone, direction, result}, oldest first
  pending: 0,
  reachable: navigator.onLine,
  signedOut: false,
  token: null, // the registered device's token, when it has one
  revoked: null, // the device's token is refused: the message to show; nothing is granted
  queue: [],
  running: false,
  latest: 0, // sequence number of the newest scan made
  seq: 0,
};

function newNonce() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
}

/** ISO 8601 with the device's offset, as the batch upload sends it. */
function localIso(ms) {
  const date = new Date(ms);
  const pad = (n, width = 2) => String(Math.abs(n)).padStart(width, "0");
  const offset = -date.getTimezoneOffset();
  return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
    pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) + "." +
    pad(date.getMilliseconds(), 3) + (offset >= 0 ? "+" : "-") + pad(Math.floor(Math.abs(offset) / 60)) + ":" +
    pad(Math.abs(offset) % 60);
}

function maxAgeMs() {
  const minutes = (state.bundle && state.bundle.offline_max_minutes) || config.offline_max_minutes;
  return minutes * 60000;
}

function bundleIsStale(now) {
  return !state.bundle || now - state.bundle.fetched_at > maxAgeMs();
}

function online() {
  return navigator.onLine && state.reachable;
}

const deviceNote = document.getElementById("gate-device-message");

function tellDevice(text) {
  if (deviceNote) deviceNote.textContent = text;
}

/** Every call of the app to the server: signed with the device's token when it has one
 * (no cookie sent: the session plays no part), else with the session and its CSRF token. */
async function apiFetch(url, init = {}) {
  const headers = Object.assign({}, init.headers);
  const token = state.token;
  let credentials = "same-origin";
  if (token) {
    headers.Authorization = "Token " + token;
    headers["X-Scans-Waiting"] = String(state.pending);
    credentials = "omit";
  } else if (init.method && init.method !== "GET") {
    headers["X-CSRFToken"] = csrfToken;
  }
  const response = await fetch(url, Object.assign({}, init, { headers, credentials }));
  if (token) await deviceSignals(response, token);
  return response;
}

/** What the server tells a device besides its answer: replace your token, or your token is
 * refused. An answer to a call made with a token since replaced here says nothing. */
async function deviceSignals(response, token) {
  if (token !== state.token) return;
  if (response.headers.get("X-Token-Rotate") === "1") rotateToken();
  if (response.status !== 401 && response.status !== 403) return;
  let code = "";
  try {
    code = (await response.clone().json()).code || "";
  } catch (error) {
    return;
  }
  if (code === "device_revoked" || code === "authentication_failed" || code === "not_authenticated") {
    state.revoked = ui.t(code === "device_revoked" ? "device_revoked" : "device_refused");
    tellDevice(state.revoked);
    refreshStatus();
  }
}

let rotating = null;

/** The secretariat asked for a new token: ask for it with the current one and keep it (one
 * write). The current one works until the new one is first used, so a lost answer is
 * asked for again at the next call. */
function rotateToken() {
  if (rotating) return rotating;
  const token = state.token;
  rotating = (async () => {
    const response = await fetch(config.urls.rotate, {
      method: "POST",
      credentials: "omit",
      headers: { Accept: "application/json", Authorization: "Token " + token },
    });
    if (!response.ok) return;
    const data = await response.json();
    if (!data.token || state.token !== token) return;
    await store.saveToken(data.token);
    state.token = data.token;
  })().catch(() => {}).finally(() => { rotating = null; });
  return rotating;
}

function refreshStatus() {
  ui.showStatus(statusNodes, {
    revoked: state.revoked,
    online: online(),
    signedOut: state.signedOut,
    fetchedAt: state.bundle && state.bundle.fetched_at,
    stale: Boolean(state.bundle) && bundleIsStale(Date.now()),
    pending: state.pending,
  });
}

function zoneAndDirection() {
  const direction = form.querySelector("input[name=direction]:checked");
  return { zone: form.querySelector("select[name=zone]").value, direction: direction ? direction.value : "in" };
}

/** The badge as the verdict shows it, from the server's answer or the bundle. */
function serverBadge(badge) {
  if (!badge) return null;
  return {
    number: badge.number, version: badge.version, name: badge.name, function: badge.function,
    delegation: badge.delegation, category_code: badge.category.code, category_name: badge.category.name,
    category_colour: badge.category.colour, category_text_colour: badge.category.text_colour,
    zones: badge.zones, photo_url: badge.photo_url, short: badge.short,
  };
}

function readAsDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** The photo: fetched online (and kept for offline), else the copy kept when last seen.
 * A data: URL, which the page's policy allows for images (blob: it does not). */
async function photoOf(badge, fromServer) {
  if (!badge) return null;
  if (fromServer && badge.photo_url) {
    try {
      const response = await apiFetch(badge.photo_url);
      if (response.ok) {
        const dataUrl = await readAsDataUrl(await response.blob());
        store.savePhoto(badge.number, dataUrl).catch(() => {});
        return dataUrl;
      }
    } catch (error) {
      // Shown from the copy kept, if any.
    }
  }
  try {
    return (await store.loadPhoto(badge.number)) || null;
  } catch (error) {
    return null;
  }
}

async function askServer(entry) {
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const payload = { zone: entry.zone, direction: entry.direction, nonce: entry.nonce, device: DEVICE_NAME };
  if (entry.short) payload.short = entry.short;
  else payload.code = entry.code;
  try {
    const response = await apiFetch(config.urls.checkin, {
      method: "POST",
      signal: controller.signal,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(payload),
    });
    // The server unavailable (503...), or a proxy's error page: not a verdict.
    if (response.status >= 500) return null;
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      return null;
    }
    return { status: response.status, data };
  } catch (error) {
    return null; // dropped, aborted, timed out
  } finally {
    window.clearTimeout(timer);
  }
}

async function decideHere(entry, source) {
  entry.source = source;
  const now = entry.at;
  if (state.revoked) {
    // A revoked device grants nothing, not even from the list it holds.
    entry.state = "sync_needed";
    entry.message = state.revoked;
    return;
  }
  if (bundleIsStale(now)) {
    entry.state = "sync_needed";
    return;
  }
  const verdict = await decide(state.bundle, entry.short || entry.code, entry.zone, entry.direction, now,
    state.ownScans);
  if (verdict.error) {
    entry.state = "error";
    entry.reason = verdict.error;
    return;
  }
  Object.assign(entry, {
    state: "done", result: verdict.result, reason: verdict.reason, warning: verdict.warning,
    number: verdict.number,
  });
  if (verdict.badge) entry.badge = Object.assign({}, verdict.badge);
  await keep(entry, 0);
}

/** Keep the scan on the device: for its own second-entry rule, and (synced 0) to upload. */
async function keep(entry, synced) {
  const scan = {
    nonce: entry.nonce, at: entry.at, scanned_at: localIso(entry.at), zone: entry.zone,
    // A warned second entry is logged as granted "already_inside", as the server logs it:
    // the occupancy does not count the person twice.
    direction: entry.direction, result: entry.result, reason: entry.warning || entry.reason,
    number: entry.number == null ? null : entry.number, synced, source: entry.source,
  };
  if (entry.short) scan.short = entry.short;
  else scan.code = entry.code;
  if (entry.number != null) {
    state.ownScans.push({
      number: entry.number, zone: entry.zone, direction: entry.direction, result: entry.result, at: entry.at,
      nonce: entry.nonce,
    });
  }
  try {
    await store.addScan(scan);
    if (!synced) state.pending += 1;
  } catch (error) {
    // The verdict stands (the person is in front of the gate); only the device's copy is
    // missing. The status line's count of waiting scans shows what will be uploaded.
  }
}

async function judge(entry) {
  if (entry.short) {
    const short = parseShort(entry.short);
    if (short.error) {
      entry.state = "error";
      entry.reason = short.error;
      return;
    }
    entry.short = short.short;
  }
  if (!navigator.onLine) return decideHere(entry, "offline");
  const answer = await askServer(entry);
  if (!answer) {
    state.reachable = false;
    return decideHere(entry, "no_connection");
  }
  const data = answer.data;
  if (state.token && (answer.status === 401 || answer.status === 403)) {
    // The device's token refused (apiFetch noted it: nothing is granted any more), or a
    // zone the device is not registered for.
    if (state.revoked) return decideHere(entry, "server");
    state.reachable = true;
    entry.state = "error";
    entry.reason = data.code || "";
    entry.message = data.detail || "";
    return;
  }
  if (answer.status === 401 || answer.status === 403) {
    // Signed out: the server will not answer this page; the device decides.
    state.reachable = false;
    state.signedOut = true;
    return decideHere(entry, "no_connection");
  }
  state.reachable = true;
  state.signedOut = false;
  if (answer.status !== 200 || !data.result) {
    // Refused before any verdict (a wrong check character, an unknown zone...): nothing logged.
    entry.state = "error";
    entry.reason = data.code || "";
    entry.message = data.detail || data.message || "";
    return;
  }
  const badge = serverBadge(data.badge);
  Object.assign(entry, {
    state: "done", source: "server", result: data.result, reason: data.reason, warning: data.warning,
    number: badge ? badge.number : null, badge, message: data.message,
  });
  await keep(entry, 1);
}

async function process(entry) {
  entry.queued = false;
  if (entry.seq === state.latest) ui.showVerdict(answerBox, entry);
  ui.logEntry(logList, entry);
  try {
    await judge(entry);
  } catch (error) {
    entry.state = "error";
    entry.message = String(error);
  }
  ui.logEntry(logList, entry);
  // A late answer never covers a newer scan: only the newest shows on the big panel,
  // (older ones still get their line in the log, and their tone).
  if (entry.seq === state.latest || state.queue.length === 0) ui.showVerdict(answerBox, entry);
  if (entry.state === "done") ui.sound(entry.warning ? "warn" : entry.result);
  else if (entry.state !== "checking") ui.sound("denied");
  refreshStatus();
  if (hooks.onVerdict) hooks.onVerdict(entry);
  // The photo follows the verdict, never delays it (nor the next scan).
  if (entry.badge) {
    photoOf(entry.badge, entry.source === "server").then((photo) => {
      entry.photo = photo;
      if (photo) ui.showPhoto(answerBox, entry);
    });
  }
}

async function pump() {
  if (state.running) return;
  state.running = true;
  while (state.queue.length) {
    await process(state.queue.shift());
  }
  state.running = false;
}

/** A scan: the text a scanner typed, the camera read or the officer typed. Never dropped. */
function submit(text) {
  text = (text || "").trim();
  if (!text) return null;
  if (text.startsWith(TOKEN_PREFIX)) {
    // The device's token, read by the camera or a scanner from the admin's page.
    useToken(text);
    return null;
  }
  const { zone, direction } = zoneAndDirection();
  const entry = {
    seq: ++state.seq, nonce: newNonce(), at: Date.now(), zone, direction, state: "checking",
    queued: state.running,
  };
  if (parseShort(text) !== null) entry.short = text;
  else entry.code = text;
  state.latest = entry.seq;
  state.queue.push(entry);
  ui.logEntry(logList, entry);
  if (state.running) ui.showVerdict(answerBox, entry);
  pump();
  return entry.nonce;
}

let syncing = null;

/** Refresh the bundle and upload waiting scans; runs every few seconds while online. */
function sync() {
  if (syncing) return syncing;
  syncing = (async () => {
    if (!navigator.onLine || (config.device_page && !state.token)) return;
    try {
      state.bundle = await refreshBundle(config.urls.bundle, state.bundle, apiFetch);
      state.reachable = true;
      state.signedOut = false;
      state.revoked = null;
      fillZones();
    } catch (error) {
      // Signed out (the staff session's limit): the server is there but will not answer
      // this page until the officer signs in again. A device's refused token: apiFetch.
      state.signedOut = !state.token && (error.status === 401 || error.status === 403);
      state.reachable = false;
      return;
    }
    try {
      await uploadScans(config.urls.batch, DEVICE_NAME, apiFetch);
    } catch (error) {
      // The scans stay waiting (the status line counts them) and go with the next round.
    }
  })().then(async () => {
    try {
      state.pending = await store.countPending();
    } catch (error) {
      // No IndexedDB: nothing waits here.
    }
  }).finally(() => {
    syncing = null;
    refreshStatus();
  });
  return syncing;
}

function setupForm() {
  // Keyboard-wedge scanners type into whatever has the focus: keep it on the code field,
  // except while the officer uses the zone or direction controls.
  const refocus = () => {
    const active = document.activeElement;
    if (active && active !== document.body && active !== input &&
        (form.contains(active) || searchBox.contains(active))) return;
    input.focus();
  };
  input.addEventListener("blur", () => window.setTimeout(refocus, 150));
  const remember = () => {
    const { zone, direction } = zoneAndDirection();
    const params = new URLSearchParams(window.location.search);
    params.set("zone", zone);
    params.set("direction", direction);
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  };
  form.querySelectorAll("select, input[type=radio]").forEach((control) => {
    control.addEventListener("change", () => {
      remember();
      window.setTimeout(() => input.focus(), 50);
    });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    submit(text);
    input.focus();
  });
  input.focus();
}

function setupCamera() {
  const button = document.getElementById("checkin-camera");
  const video = document.getElementById("checkin-video");
  if (!button || !cameraAvailable()) return;
  button.classList.remove("d-none");
  let stop = null;
  button.addEventListener("click", async () => {
    if (stop) {
      stop();
      stop = null;
      video.classList.add("d-none");
      button.setAttribute("aria-pressed", "false");
      return;
    }
    try {
      video.classList.remove("d-none");
      const camera = await startCamera(video, submit);
      stop = camera.stop;
      root.dataset.camera = camera.reader;
      button.setAttribute("aria-pressed", "true");
    } catch (error) {
      video.classList.add("d-none");
      button.disabled = true;
    }
  });
}

/** Undo the last scan of this gate (officers with the permission; audited on the server).
 * Waiting scans are sent first, so that "the last scan" is the last one made here. */
function setupUndo() {
  const button = document.getElementById("gate-undo");
  if (!button || !config.may_undo) return;
  button.classList.remove("d-none");
  button.addEventListener("click", async () => {
    if (!window.confirm(ui.t("undo_confirm"))) return;
    const { zone } = zoneAndDirection();
    const note = { nonce: "undo-" + newNonce(), at: Date.now(), state: "error", reason: "" };
    try {
      await sync();
      const response = await apiFetch(config.urls.undo, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ zone }),
      });
      const data = await response.json();
      if (!response.ok) {
        note.message = data.detail || data.message || ui.t("not_judged");
      } else {
        note.state = "undone";
        note.message = ui.t("undone_help");
        // The same scan on this device no longer counts for its own second-entry rule.
        for (let i = state.ownScans.length - 1; i >= 0; i--) {
          const own = state.ownScans[i];
          if (own.zone === data.zone && own.number === data.badge_number) {
            state.ownScans.splice(i, 1);
            if (own.nonce) {
              await store.markUndone(own.nonce);
              const line = logList.querySelector(`li[data-nonce="${own.nonce}"]`);
              if (line) line.dataset.undone = "1";
            }
            break;
          }
        }
      }
    } catch (error) {
      note.message = ui.t("no_connection");
    }
    ui.showVerdict(answerBox, note);
    input.focus();
  });
}

/** On the device page the zones come from the device's bundle (its own zones only). */
function fillZones() {
  const select = form.querySelector("select[name=zone]");
  if (!config.device_page || !state.bundle || select.dataset.filled === String(state.bundle.version)) return;
  const wanted = new URLSearchParams(window.location.search).get("zone") || select.value;
  const options = (state.bundle.zones || []).map((zone) => {
    const option = new Option(zone.code + " · " + zone.name, zone.code);
    option.selected = zone.code === wanted;
    return option;
  });
  if (!options.length) return;
  select.replaceChildren(...options);
  select.dataset.filled = String(state.bundle.version);
}

/** Keep the token the admin showed for this device, once the server accepts it; the gate
 * then runs on the device page, signed with it. */
let takingToken = null;

async function useToken(token) {
  token = (token || "").trim();
  if (!token.startsWith(TOKEN_PREFIX)) {
    tellDevice(ui.t("device_token_refused"));
    return;
  }
  // The camera reads the same code many times over: once is enough.
  if (token === state.token || token === takingToken) return;
  takingToken = token;
  try {
    await takeToken(token);
  } finally {
    takingToken = null;
  }
}

async function takeToken(token) {
  try {
    const response = await fetch(config.urls.bundle, {
      credentials: "omit", cache: "no-store",
      headers: { Accept: "application/json", Authorization: "Token " + token },
    });
    if (!response.ok) {
      tellDevice(ui.t("device_token_refused"));
      return;
    }
  } catch (error) {
    tellDevice(ui.t("no_connection"));
    return;
  }
  // The list held came with another account's zones: the device's own comes at the sync.
  await store.saveBundle(null);
  await store.saveToken(token);
  if (!config.device_page) {
    window.location.assign(config.urls.device_page + window.location.search);
    return;
  }
  Object.assign(state, { token, revoked: null, bundle: null });
  tellDevice(ui.t("device_token_saved"));
  await sync();
}

/** Forget this device: its token, list, sent scans, photos and the pages kept offline.
 * Scans still waiting are sent first if possible; if any are left, nothing is deleted. */
async function forget() {
  if (online() && !state.revoked) await sync();
  let waiting;
  try {
    waiting = await store.forgetDevice();
  } catch (error) {
    return;
  }
  if (waiting) {
    tellDevice(ui.t("forget_waiting", { n: waiting }));
    return;
  }
  if (window.caches) {
    for (const name of await caches.keys()) {
      if (name.startsWith("hs-gate-")) await caches.delete(name);
    }
  }
  Object.assign(state, { token: null, revoked: null, bundle: null, ownScans: [], pending: 0 });
  logList.replaceChildren();
  tellDevice(ui.t("forgotten"));
  refreshStatus();
}

function setupDevice() {
  const deviceForm = document.getElementById("gate-device-form");
  if (!deviceForm) return;
  deviceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const field = document.getElementById("gate-device-token");
    const token = field.value;
    field.value = "";
    useToken(token);
  });
  document.getElementById("gate-forget").addEventListener("click", forget);
}

async function start() {
  setupForm();
  setupDevice();
  setupCamera();
  setupUndo();
  setupSearch(searchBox, {
    url: config.urls.search,
    fetch: apiFetch,
    bundle: () => state.bundle,
    online,
    photo: (number) => store.loadPhoto(number).catch(() => null),
    check: (short) => {
      submit(short);
      input.focus();
    },
    t: ui.t,
    statuses: config.strings.statuses,
  });
  ui.showReady(answerBox);
  try {
    state.token = (await store.loadToken()) || null;
    if (state.token && !config.device_page) {
      // This device has its own token: the gate runs on the device page, signed with it.
      window.location.replace(config.urls.device_page + window.location.search);
      return;
    }
    state.bundle = (await store.loadBundle()) || null;
    const scans = await store.allScans();
    state.ownScans = scans.filter((s) => s.number != null && !s.undone).map((s) => ({
      number: s.number, zone: s.zone, direction: s.direction, result: s.result, at: s.at, nonce: s.nonce,
    }));
    state.pending = scans.filter((s) => s.synced === 0).length;
  } catch (error) {
    // No IndexedDB (a private window in some browsers): online scans still work.
  }
  fillZones();
  if (config.device_page && !state.token) tellDevice(ui.t("device_token_needed"));
  refreshStatus();
  window.addEventListener("online", () => { state.reachable = true; sync(); });
  window.addEventListener("offline", refreshStatus);
  window.setInterval(sync, config.refresh_seconds * 1000);
  window.setInterval(refreshStatus, 1000);
  if ("serviceWorker" in navigator && config.urls.service_worker) {
    navigator.serviceWorker.register(config.urls.service_worker, { scope: config.urls.scope }).catch(() => {});
  }
  await sync();
  root.dataset.ready = "1";
}

// For the browser tests and the benchmark: the device's pure decision, its state, and a
// hook called once a scan's verdict is on the screen.
const hooks = { onVerdict: null };
window.hsGate = { decide, submit, sync, state, verifierName, useVerifier, store, hooks };

start();
