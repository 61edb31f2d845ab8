// Gate page and occupancy page. Progressive enhancement: without this script the gate page
// is a plain form POST and the occupancy page refreshes itself through <noscript>.
(function () {
  "use strict";

  function newNonce() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function setupGate(form) {
    var input = form.querySelector("#checkin-code");
    var answer = document.getElementById("checkin-answer");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var busy = false;

    // Keyboard-wedge scanners type into whatever has the focus: keep it on the code field,
    // except while the officer uses the zone or direction controls.
    function refocus() {
      var active = document.activeElement;
      if (active && active !== document.body && active !== input && form.contains(active)) return;
      input.focus();
    }
    input.addEventListener("blur", function () { window.setTimeout(refocus, 150); });
    // Zone and direction live in the query string: a reload (and the server's session,
    // on that reload) keeps what the officer chose.
    function remember() {
      var direction = form.querySelector("input[name=direction]:checked");
      var params = new URLSearchParams(window.location.search);
      params.set("zone", form.querySelector("select[name=zone]").value);
      params.set("direction", direction ? direction.value : "in");
      window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    }
    form.querySelectorAll("select, input[type=radio]").forEach(function (control) {
      control.addEventListener("change", function () {
        remember();
        window.setTimeout(function () { input.focus(); }, 50);
      });
    });

    function show(data) {
      answer.replaceChildren();
      var granted = data.result === "granted";
      var card = el("div", "card border-0 text-white " + (granted ? "bg-success" : "bg-danger"));
      card.dataset.result = data.result || "error";
      card.dataset.reason = data.reason || data.code || "";
      var body = el("div", "card-body d-flex flex-wrap gap-4 align-items-center");
      var badge = data.badge;
      if (badge && badge.photo_url) {
        var img = el("img");
        img.src = badge.photo_url;
        img.alt = "";
        body.appendChild(img);
      }
      var text = el("div", "flex-grow-1");
      text.appendChild(el("div", "hs-verdict", granted ? form.dataset.granted : form.dataset.denied));
      text.appendChild(el("p", "fs-5 mt-2 mb-2 hs-explanation", data.message || data.detail || form.dataset.error));
      if (badge) {
        text.appendChild(el("div", "fs-3 fw-bold hs-name", badge.name));
        text.appendChild(el("div", "", badge.function));
        text.appendChild(el("div", "fw-semibold", badge.delegation));
        var line = el("div", "mt-2");
        var category = el("span", "badge hs-category", badge.category.code + " · " + badge.category.name);
        category.style.background = badge.category.colour;
        category.style.color = badge.category.text_colour;
        category.style.border = "1px solid #fff";
        line.appendChild(category);
        line.appendChild(el("span", "ms-2", form.dataset.zonesLabel + ": " + badge.zones.join(" ")));
        text.appendChild(line);
        text.appendChild(el("div", "small mt-1 opacity-75", badge.number + "/v" + badge.version));
      }
      body.appendChild(text);
      card.appendChild(body);
      answer.appendChild(card);
    }

    function scan(code) {
      code = (code || "").trim();
      if (!code || busy) return;
      busy = true;
      var direction = form.querySelector("input[name=direction]:checked");
      var payload = {
        code: code,
        zone: form.querySelector("select[name=zone]").value,
        direction: direction ? direction.value : "in",
        nonce: newNonce(),
        device: "gate page",
      };
      fetch(form.dataset.apiUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(payload),
      })
        .then(function (response) { return response.json(); })
        .then(show)
        .catch(function () { show({ result: "error", message: form.dataset.error }); })
        .finally(function () {
          busy = false;
          input.value = "";
          input.focus();
        });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      scan(input.value);
    });

    setupCamera(form, scan);
    input.focus();
  }

  // The browser's own QR decoder where it exists (Chrome on Android, some desktops).
  function setupCamera(form, scan) {
    var button = form.querySelector("#checkin-camera");
    var video = form.querySelector("#checkin-video");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.classList.remove("d-none");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var last = { code: "", at: 0 };

    function tick() {
      if (!stream) return;
      detector.detect(video).then(function (found) {
        var now = Date.now();
        if (found.length && (found[0].rawValue !== last.code || now - last.at > 3000)) {
          last = { code: found[0].rawValue, at: now };
          scan(found[0].rawValue);
        }
      }).catch(function () {}).finally(function () { window.setTimeout(tick, 250); });
    }

    button.addEventListener("click", function () {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
        video.classList.add("d-none");
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        video.classList.remove("d-none");
        return video.play();
      }).then(tick).catch(function () { button.disabled = true; });
    });
  }

  function setupOccupancy(box) {
    var seconds = parseInt(box.dataset.refresh, 10) || 5;
    window.setInterval(function () {
      fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) return;
          box.innerHTML = html;
          if (window.hsPaint) window.hsPaint(box);
        })
        .catch(function () {});
    }, seconds * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("checkin-form");
    if (form) setupGate(form);
    var occupancy = document.getElementById("occupancy");
    if (occupancy) setupOccupancy(occupancy);
  });
})();
