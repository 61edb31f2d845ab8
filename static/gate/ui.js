// What the officer sees and hears: the verdict filling the screen, the log of recent scans,
// the status line (online or offline, the list's age, scans waiting) and two tones.

const RESET_MS = 5000;
const LOG_LENGTH = 30;
let strings = {};
let resetTimer = null;
let audio = null;

export function setStrings(values) {
  strings = values;
}

export function t(key, values) {
  let text = strings[key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.replace("{" + name + "}", value);
  return text;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** The big word: GRANTED, DENIED, CHECKING, SYNC NEEDED... */
function headline(entry) {
  if (entry.state === "checking") return t("checking");
  if (entry.state === "sync_needed") return t("sync_needed");
  if (entry.state === "undone") return t("undone");
  if (entry.state === "error") return t("not_judged");
  return entry.result === "granted" ? t("granted") : t("denied");
}

function explanation(entry) {
  if (entry.state === "checking") return entry.queued ? t("queued") : t("checking_help");
  if (entry.state === "sync_needed") return entry.message || t("sync_needed_help");
  if (entry.state === "error" || entry.state === "undone") return entry.message || t(entry.reason) || t("not_judged");
  const reasons = strings.reasons || {};
  const parts = [reasons[entry.reason] || entry.message || entry.reason];
  if (entry.warning) parts.push(t("warning_" + entry.warning));
  if (entry.short) parts.push(t("compare"));
  return parts.join(" ");
}

function sourceLabel(entry) {
  if (entry.source === "no_connection") return t("no_connection");
  if (entry.source === "offline") return t("offline_decided");
  return "";
}

function verdictClass(entry) {
  if (entry.state === "done") return entry.result === "granted" ? (entry.warning ? "warn" : "granted") : "denied";
  return entry.state; // checking, sync_needed, error
}

/** Play the verdict's tone: two rising notes for granted, one low buzz for denied. */
export function sound(kind) {
  try {
    if (!audio) audio = new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
    const notes = kind === "granted" ? [[880, 0, 0.12], [1320, 0.14, 0.16]]
      : kind === "warn" ? [[660, 0, 0.15], [660, 0.22, 0.15]]
        : [[196, 0, 0.55]];
    const start = audio.currentTime + 0.01;
    for (const [frequency, at, length] of notes) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = kind === "denied" ? "square" : "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.25, start + at);
      gain.gain.exponentialRampToValueAtTime(0.001, start + at + length);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + at);
      oscillator.stop(start + at + length + 0.02);
    }
  } catch (error) {
    // No audio device (or none allowed yet): the colour still says it.
  }
}

/** The verdict panel for one scan; back to "ready" a few seconds after a final answer. */
export function showVerdict(box, entry) {
  window.clearTimeout(resetTimer);
  const kind = verdictClass(entry);
  document.body.dataset.verdict = kind;
  const card = el("div", "hs-verdict-card hs-" + kind);
  card.dataset.result = entry.state === "done" ? entry.result : entry.state;
  card.dataset.reason = entry.reason || "";
  card.dataset.source = entry.source || "";
  card.dataset.nonce = entry.nonce;
  const body = el("div", "d-flex flex-wrap gap-4 align-items-center");
  const badge = entry.badge;
  if (entry.photo) {
    const img = el("img");
    img.src = entry.photo;
    img.alt = t("photo");
    body.appendChild(img);
  }
  const text = el("div", "flex-grow-1");
  text.appendChild(el("div", "hs-verdict", headline(entry)));
  const source = sourceLabel(entry);
  if (source) text.appendChild(el("div", "hs-source fw-bold", source));
  text.appendChild(el("p", "fs-5 mt-2 mb-2 hs-explanation", explanation(entry)));
  if (badge) {
    text.appendChild(el("div", "fs-3 fw-bold hs-name", badge.name));
    if (badge.function) text.appendChild(el("div", "", badge.function));
    text.appendChild(el("div", "fw-semibold", badge.delegation));
    const line = el("div", "mt-2");
    const category = el("span", "badge hs-category", badge.category_code + " · " + badge.category_name);
    if (badge.category_colour) category.style.background = badge.category_colour;
    if (badge.category_text_colour) category.style.color = badge.category_text_colour;
    line.appendChild(category);
    line.appendChild(el("span", "ms-2", t("zones") + ": " + (badge.zones || []).join(" ")));
    text.appendChild(line);
    text.appendChild(el("div", "small mt-1 hs-stamp", t("badge") + " " + (badge.short || badge.number)));
  }
  text.appendChild(el("div", "small mt-1 hs-stamp", clock(entry.at)));
  body.appendChild(text);
  card.appendChild(body);
  box.replaceChildren(card);
  if (entry.state !== "checking") {
    resetTimer = window.setTimeout(() => showReady(box), RESET_MS);
  }
}

/** Add the photo to the verdict on the panel, if that scan's verdict is still there. */
export function showPhoto(box, entry) {
  const card = box.querySelector(".hs-verdict-card");
  if (!card || card.dataset.nonce !== entry.nonce || card.querySelector("img")) return;
  const img = el("img");
  img.src = entry.photo;
  img.alt = t("photo");
  card.firstElementChild.prepend(img);
}

export function showReady(box) {
  document.body.dataset.verdict = "ready";
  const card = el("div", "hs-verdict-card hs-ready");
  card.dataset.result = "ready";
  card.appendChild(el("div", "hs-verdict", t("ready")));
  box.replaceChildren(card);
}

/** One line per scan in the log, newest first; a scan's line is updated in place. */
export function logEntry(list, entry) {
  let item = list.querySelector(`li[data-nonce="${entry.nonce}"]`);
  if (!item) {
    item = el("li", "list-group-item d-flex gap-3");
    item.dataset.nonce = entry.nonce;
    list.prepend(item);
    while (list.children.length > LOG_LENGTH) list.lastElementChild.remove();
  }
  item.dataset.result = entry.state === "done" ? entry.result : entry.state;
  item.dataset.reason = entry.reason || "";
  item.dataset.source = entry.source || "";
  item.className = "list-group-item d-flex flex-wrap gap-3 hs-log-" + verdictClass(entry);
  const name = entry.badge ? entry.badge.name : "";
  const reasons = strings.reasons || {};
  const detail = entry.state === "done" ? (reasons[entry.reason] || entry.reason) : explanation(entry);
  item.replaceChildren(
    el("span", "hs-mono", clock(entry.at)),
    el("strong", "", headline(entry)),
    el("span", "", name),
    el("span", "text-body-secondary", [detail, sourceLabel(entry)].filter(Boolean).join(" · ")),
  );
}

function age(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return t("seconds", { n: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return t("minutes", { n: minutes });
  return t("hours", { n: Math.round(minutes / 60) });
}

/** The status line: online or offline, how old the list is, how many scans wait. */
export function showStatus(nodes, status) {
  const key = status.revoked ? "revoked" : status.online ? "online" : status.signedOut ? "signed_out" : "offline";
  nodes.network.dataset.state = key;
  nodes.network.textContent = status.revoked || t(key);
  nodes.age.dataset.stale = status.stale ? "1" : "0";
  nodes.age.textContent = status.fetchedAt
    ? t("list_age", { age: age(Date.now() - status.fetchedAt) }) + (status.stale ? " · " + t("sync_needed") : "")
    : t("no_list");
  nodes.pending.dataset.count = String(status.pending);
  nodes.pending.textContent = t("pending", { n: status.pending });
}
