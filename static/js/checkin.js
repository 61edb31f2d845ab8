// The occupancy page: without this script it refreshes itself through <noscript>. (The gate
// page runs the gate app, static/gate/.)
(function () {
  "use strict";

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
    var occupancy = document.getElementById("occupancy");
    if (occupancy) setupOccupancy(occupancy);
  });
})();
