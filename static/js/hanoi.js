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

  // A delegation filter: its datalist holds the few delegations matching what is typed,
  // fetched from the field's data-hs-suggest address (a conference has thousands).
  document.querySelectorAll("input[data-hs-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (!text || text === asked) return;
        asked = text;
        fetch(input.dataset.hsSuggest + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.results.forEach(function (delegation) {
              var option = document.createElement("option");
              option.value = delegation.name;
              option.label = delegation.code;
              list.appendChild(option);
            });
          })
          .catch(function () { /* no suggestions: the typed name still filters */ });
      }, 200);
    });
  });

  paint(document);
})();
