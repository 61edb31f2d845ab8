// A background document's page: poll its status until it is made, then show the download.
(function () {
  "use strict";
  var box = document.getElementById("document-progress");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      var bar = box.querySelector(".progress-bar");
      bar.style.width = (data.total ? Math.min(100, Math.round(100 * data.done / data.total)) : 0) + "%";
      box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", data.done);
      box.querySelector("[role=progressbar]").setAttribute("aria-valuemax", data.total);
      box.querySelector("[data-done]").textContent = data.done;
      box.querySelector("[data-total]").textContent = data.total;
      if (data.status === "done" || data.status === "failed" || data.status === "expired") { window.location.reload(); return; }
      window.setTimeout(poll, 1500);
    }).catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
