// The secretariat dashboard updates its figures and charts in place: every few minutes it
// asks /dashboard/live/ and writes each value into the element marked data-figure or
// data-chart with the same key. No page reload: a reader keeps their place and focus.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root || !window.fetch) return;
  var seconds = parseInt(root.dataset.liveSeconds, 10) || 120;

  function apply(data) {
    Object.keys(data.figures || {}).forEach(function (key) {
      root.querySelectorAll('[data-figure="' + key + '"]').forEach(function (node) {
        node.textContent = data.figures[key];
      });
    });
    Object.keys(data.charts || {}).forEach(function (key) {
      var node = root.querySelector('[data-chart="' + key + '"]');
      // A chart holding the keyboard focus waits for the next round rather than lose it.
      if (node && data.charts[key] && !node.contains(document.activeElement)) {
        node.innerHTML = data.charts[key];
      }
    });
    var moment = root.querySelector("[data-live-moment]");
    if (moment && data.moment) moment.textContent = data.moment;
  }

  function refresh() {
    fetch(root.dataset.liveUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) apply(data); })
      // Offline or signed out: the page keeps the last figures and tries again next round.
      .catch(function () {});
  }

  window.setInterval(refresh, seconds * 1000);
  window.hsDashboardRefresh = refresh;
})();
