// A print batch's page: poll its status until it is rendered, then reload.
(function () {
  "use strict";
  var box = document.getElementById("batch-progress");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var bar = box.querySelector(".progress-bar");
      bar.style.width = (data.total ? Math.round(100 * data.rendered / data.total) : 0) + "%";
      box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", data.rendered);
      box.querySelector("[data-rendered]").textContent = data.rendered;
      if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
      window.setTimeout(poll, 1000);
    }).catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
