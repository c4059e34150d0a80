// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Ask before destructive or final actions: <form data-confirm="Withdraw this application?">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // Move focus to the error summary so screen readers announce it.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
// Print buttons: <button data-print>.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
// Error summary links put the cursor in their field, with its label in view (every browser).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("#error-summary a[href^='#']");
  var field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (!field) {
    return;
  }
  event.preventDefault();
  var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']");
  (label || field).scrollIntoView();
  field.focus({ preventScroll: true });
});
// A choice can name what the form's button does: <input type="radio" data-submit-label="Add to
// the waitlist"> relabels the form's [data-submit-label-target] when it is chosen.
document.addEventListener("change", function (event) {
  var label = event.target.dataset && event.target.dataset.submitLabel;
  var button = label && event.target.form.querySelector("[data-submit-label-target]");
  if (button) {
    button.textContent = label;
  }
});
// Next-step rows: the server sends several (the form works without JavaScript); only the filled
// ones and one empty row show, and "Add another next step" reveals the next, so a conversation
// with one step is not a long walk of Tab stops. Run once drafts.js has restored any text.
window.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-step-rows]").forEach(function (group) {
    var rows = Array.prototype.slice.call(group.querySelectorAll(".step-row"));
    var button = group.querySelector("[data-step-add]");
    var emptySeen = false;
    rows.forEach(function (row) {
      var empty = !row.querySelector("[name$='-description']").value;
      if (empty && emptySeen && !row.querySelector(".is-invalid")) {
        row.hidden = true;
      }
      emptySeen = emptySeen || empty;
    });
    function update() {
      button.hidden = !rows.some(function (row) { return row.hidden; });
    }
    button.addEventListener("click", function () {
      var next = rows.find(function (row) { return row.hidden; });
      next.hidden = false;
      next.querySelector("[name$='-description']").focus();
      update();
    });
    update();
  });
});
