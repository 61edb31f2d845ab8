// The camera as a scanner in any browser: the browser's own BarcodeDetector where it reads
// QR codes, otherwise the pinned jsQR (static/vendor/jsqr-1.4.0, loaded by the page).

const SAME_CODE_PAUSE_MS = 3000;
const FRAME_INTERVAL_MS = 200;

async function makeReader(video) {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        const read = async () => {
          const found = await detector.detect(video);
          return found.length ? found[0].rawValue : null;
        };
        return { name: "barcode-detector", read };
      }
    } catch (error) {
      // Fall through to jsQR.
    }
  }
  if (typeof window.jsQR !== "function") return null;
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const read = async () => {
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (!width || !height) return null;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const found = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
    return found ? found.data : null;
  };
  return { name: "jsqr", read };
}

export function cameraAvailable() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** Start reading codes from the camera into onCode(text); resolves to {stop(), reader}
 * (which decoder reads: "barcode-detector" or "jsqr"). */
export async function startCamera(video, onCode) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  video.srcObject = stream;
  await video.play();
  const reader = await makeReader(video);
  if (!reader) {
    stream.getTracks().forEach((track) => track.stop());
    throw new Error("no QR reader");
  }
  let running = true;
  let last = { code: "", at: 0 };
  const tick = async () => {
    if (!running) return;
    try {
      const code = await reader.read();
      const now = Date.now();
      // One scan per badge held up: the same code again only after a pause.
      if (code && (code !== last.code || now - last.at > SAME_CODE_PAUSE_MS)) {
        last = { code, at: now };
        onCode(code);
      } else if (code) {
        last.at = now;
      }
    } catch (error) {
      // A frame that cannot be read; the next one may.
    }
    window.setTimeout(tick, FRAME_INTERVAL_MS);
  };
  tick();
  const stop = () => {
    running = false;
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  };
  return { stop, reader: reader.name };
}
