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

  // "Select all" toggles of the review and print queues.
  document.querySelectorAll("[data-select-all]").forEach(function (toggle) {
    toggle.addEventListener("change", function () {
      toggle.closest("form").querySelectorAll("input[type=checkbox][name=accreditations]").forEach(function (box) {
        box.checked = toggle.checked;
      });
    });
  });

  // Destructive forms (cancel a booking, remove a document, withdraw a request) carry
  // data-hs-confirm="question": they are sent only once the person says yes in the dialog.
  // Without the dialog (no script), the form posts as before.
  var confirmDialog = document.getElementById("hs-confirm");
  if (confirmDialog && typeof confirmDialog.showModal === "function") {
    document.querySelectorAll("form[data-hs-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.hsConfirmed === "1") return;
        event.preventDefault();
        document.getElementById("hs-confirm-text").textContent = form.dataset.hsConfirm;
        confirmDialog.returnValue = "";
        confirmDialog.addEventListener("close", function onClose() {
          confirmDialog.removeEventListener("close", onClose);
          if (confirmDialog.returnValue === "confirm") {
            form.dataset.hsConfirmed = "1";
            form.requestSubmit ? form.requestSubmit() : form.submit();
          }
        });
        confirmDialog.showModal();
      });
    });
  }

  // The admin's date-time widgets each add the same "you are N hours ahead of server time"
  // note: keep the first, which is enough. They add them on "load", before this listener.
  window.addEventListener("load", function () {
    var notes = document.querySelectorAll(".timezonewarning");
    for (var i = 1; i < notes.length; i++) notes[i].remove();
  });

  // A form sent back with errors: its summary takes the focus, so a screen reader reads it
  // and the keyboard starts from the links to the fields.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Filters folded away on a phone (<details data-hs-open-wide>) stand open on a wide screen.
  if (window.matchMedia && window.matchMedia("(min-width: 768px)").matches) {
    document.querySelectorAll("details[data-hs-open-wide]").forEach(function (details) {
      details.open = true;
    });
  }

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
