// Badge codes on the device: the HS1 wire format of accreditation/badges/codes.py, its
// Ed25519 signature, and the short number typed from a printed badge
// (accreditation/badges/short.py). Pure functions: no page, no storage.

const PREFIX = "HS1:";
const PREFIX_BYTES = new TextEncoder().encode(PREFIX);
const FORMAT_VERSION = 1;
const SIGNATURE_LENGTH = 64;
const HEADER_LENGTH = 11;
const MAX_CODE_LENGTH = 700;
const EPOCH_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86400000;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// Lengths (mod 8) that unpadded base32 can have; any other is a truncated or padded code.
const BASE32_TAILS = new Set([0, 2, 4, 5, 7]);

/** The bytes of unpadded base32 text, or null when it is not the canonical spelling. */
function base32Bytes(text) {
  const out = new Uint8Array(Math.floor((5 * text.length) / 8));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const value = BASE32.indexOf(text[i]);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  // Unused bits of the last character must be zero, as the server requires.
  if (bits && buffer & ((1 << bits) - 1)) return null;
  return out;
}

function isoDay(days) {
  return new Date(EPOCH_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Parse a scanned text. Returns {error: "unknown"} for anything not in the format exactly,
 * else {number, version, category, zones, validFrom, validUntil, signed, signature}:
 * the signature is not checked here (verify does).
 */
export function parseCode(raw) {
  const unknown = { error: "unknown" };
  // ASCII only, checked before upper-casing (look-alikes upper-case into the alphabet).
  if (typeof raw !== "string" || raw.length > MAX_CODE_LENGTH || !/^[\x00-\x7f]*$/.test(raw)) return unknown;
  const text = raw.trim().toUpperCase();
  if (!text.startsWith(PREFIX)) return unknown;
  const bodyText = text.slice(PREFIX.length);
  if (!bodyText || !BASE32_TAILS.has(bodyText.length % 8) || !/^[A-Z2-7]+$/.test(bodyText)) return unknown;
  const body = base32Bytes(bodyText);
  if (!body || body.length < HEADER_LENGTH + 2 + SIGNATURE_LENGTH) return unknown;
  const view = new DataView(body.buffer);
  if (body[0] !== FORMAT_VERSION) return unknown;
  const number = view.getUint32(1);
  const version = view.getUint16(5);
  const fromDays = view.getUint16(7);
  const untilDays = view.getUint16(9);
  const categoryLength = body[HEADER_LENGTH];
  const zonesAt = HEADER_LENGTH + 1 + categoryLength;
  if (zonesAt >= body.length) return unknown;
  const payloadEnd = zonesAt + 1 + body[zonesAt];
  if (payloadEnd + SIGNATURE_LENGTH !== body.length) return unknown;
  const payload = body.subarray(0, payloadEnd);
  const signed = new Uint8Array(PREFIX_BYTES.length + payload.length);
  signed.set(PREFIX_BYTES);
  signed.set(payload, PREFIX_BYTES.length);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let category;
  let zones;
  try {
    category = decoder.decode(body.subarray(HEADER_LENGTH + 1, zonesAt));
    zones = decoder.decode(body.subarray(zonesAt + 1, payloadEnd)).split(" ").filter(Boolean);
  } catch (error) {
    return unknown;
  }
  return {
    number, version, category, zones,
    validFrom: isoDay(fromDays), validUntil: isoDay(untilDays),
    signed, signature: body.slice(payloadEnd),
  };
}

function base64Bytes(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// WebCrypto's Ed25519 where the browser has it, else the pinned noble-ed25519 (loaded only
// then). Decided once per page; imported keys are kept per base64 text.
let engine = null;
const importedKeys = new Map();

async function chooseEngine() {
  try {
    const probe = base64Bytes("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    await crypto.subtle.importKey("raw", probe, { name: "Ed25519" }, false, ["verify"]);
    return "webcrypto";
  } catch (error) {
    return "noble";
  }
}

let noble = null;

async function verifyWith(keyText, signature, message) {
  if (!engine) engine = await chooseEngine();
  if (engine === "webcrypto") {
    let key = importedKeys.get(keyText);
    if (!key) {
      key = await crypto.subtle.importKey("raw", base64Bytes(keyText), { name: "Ed25519" }, false, ["verify"]);
      importedKeys.set(keyText, key);
    }
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }
  if (!noble) noble = await import("../vendor/noble-ed25519-2.3.0/index.js");
  try {
    // zip215 off: RFC 8032's strict rules, as the server's OpenSSL applies them.
    return await noble.verifyAsync(signature, message, base64Bytes(keyText), { zip215: false });
  } catch (error) {
    return false;
  }
}

/** Which verifier this browser uses: "webcrypto" or "noble". */
export async function verifierName() {
  if (!engine) engine = await chooseEngine();
  return engine;
}

/** Force the pinned verifier (tests check that it agrees with WebCrypto). */
export function useVerifier(name) {
  engine = name;
}

/** True when one of the keys ([{id, public_key}]) verifies the parsed code's signature. */
export async function verifyCode(parsed, keys) {
  for (const key of keys || []) {
    if (await verifyWith(key.public_key, parsed.signature, parsed.signed)) return true;
  }
  return false;
}

// Short numbers: "<badge number>-<check character>".
const SHORT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function checkCharacter(number) {
  const digits = String(number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += (i + 1) * Number(digits[i]);
  return SHORT_ALPHABET[sum % 31];
}

/**
 * Read a typed short number. Returns null when the text is not shaped like one (it may be a
 * scanned code), {error: "bad_check_character"} when its check character is wrong, else
 * {number, short}.
 */
export function parseShort(text) {
  const compact = String(text || "").replace(/\s+/g, "").toUpperCase();
  const match = /^(\d{1,9})-?([0-9A-Z])$/.exec(compact);
  if (!match) return null;
  const number = Number(match[1]);
  const expected = checkCharacter(number);
  if (match[2] !== expected) return { error: "bad_check_character" };
  return { number, short: `${number}-${expected}` };
}
