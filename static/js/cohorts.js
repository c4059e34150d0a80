// Cohort form: propose Day 2 and Day 3 from Day 1 as the analyst types. The server applies the
// same proposal when the fields are left empty, so the form works without this script.
(function () {
  "use strict";
  var form = document.getElementById("cohort-form");
  if (!form) {
    return;
  }
  var day1 = form.querySelector("[data-schedule=day1]");
  var day2 = form.querySelector("[data-schedule=day2]");
  var day3 = form.querySelector("[data-schedule=day3]");
  var note = document.getElementById("schedule-proposal");
  if (!day1 || !day2 || !day3 || !note) {
    return;
  }
  // A date the analyst typed themselves is never overwritten.
  [day2, day3].forEach(function (input) {
    input.dataset.auto = input.value ? "no" : "yes";
    input.addEventListener("input", function () {
      input.dataset.auto = "no";
    });
  });
  day1.addEventListener("change", function () {
    if (!day1.value) {
      note.textContent = "";
      return;
    }
    var url = form.dataset.proposeUrl + "?day1=" + encodeURIComponent(day1.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (data.error) {
          note.textContent = data.error;
          note.classList.add("text-danger");
          return;
        }
        note.classList.remove("text-danger");
        if (day2.dataset.auto === "yes") {
          day2.value = data.day2;
        }
        if (day3.dataset.auto === "yes") {
          day3.value = data.day3;
        }
        note.textContent = window.interpolate(window.gettext("%s You can change either date."), [
          data.summary,
        ]);
      })
      .catch(function () {
        note.textContent = "";
      });
  });
})();
