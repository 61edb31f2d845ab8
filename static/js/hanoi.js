// Every page's small behaviours, kept out of the templates so the Content-Security-Policy
// can forbid inline scripts and styles (default-src 'self').
(function () {
  "use strict";

  // Colours and widths that come from data (a category's colours, a percentage) travel in
  // data- attributes and are applied through the CSSOM, which the policy allows; a style=""
  // attribute would be refused.
  function paint(root) {
    root.querySelectorAll("[data-hs-bg]").forEach(function (node) {
      node.style.backgroundColor = node.dataset.hsBg;
    });
    root.querySelectorAll("[data-hs-fg]").forEach(function (node) {
      node.style.color = node.dataset.hsFg;
    });
    root.querySelectorAll("[data-hs-width]").forEach(function (node) {
      var percent = parseFloat(node.dataset.hsWidth);
      if (!isNaN(percent)) node.style.width = Math.max(0, Math.min(100, percent)) + "%";
    });
  }
  window.hsPaint = paint;

  // The language switcher (and any select marked so) submits its form on change.
  document.querySelectorAll("select[data-hs-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // "Select all" toggles of the review and print queues.
  document.querySelectorAll("[data-select-all]").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      toggle.closest("form").querySelectorAll("input[type=checkbox][name=accreditations]").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });

  paint(document);
})();
