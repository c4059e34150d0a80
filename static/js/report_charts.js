// Charts on the program report. Data comes from the page's json_script "report-charts"; each
// canvas.report-chart[data-chart] names its entry. The tables on the page carry the same numbers.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = { brand: "#0b4f6c", light: "#7fb3c8", gold: "#c98f00", green: "#1e7e34", grey: "#6c757d", red: "#a11d2b" };
  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom" } },
  };

  function bar(canvas, labels, datasets, options) {
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: Object.assign({}, common, options || {}),
    });
  }

  document.querySelectorAll("canvas.report-chart").forEach(function (canvas) {
    var kind = canvas.dataset.chart;
    if (kind === "departments") {
      var d = data.departments;
      bar(canvas, d.labels, [
        { label: window.gettext("Applied"), data: d.applied, backgroundColor: colours.light },
        { label: window.gettext("Accepted"), data: d.accepted, backgroundColor: colours.brand },
        { label: "Lean Leaders", data: d.completed, backgroundColor: colours.gold },
      ], { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
    } else if (kind === "cohorts") {
      var c = data.cohorts;
      bar(canvas, c.labels, [
        { label: window.gettext("Completion rate (%)"), data: c.completion, backgroundColor: colours.gold },
        { label: window.gettext("Attendance rate (%)"), data: c.attendance, backgroundColor: colours.brand },
      ], { scales: { y: { beginAtZero: true, max: 100 } } });
    } else if (kind === "verdicts") {
      var v = data.verdicts;
      bar(canvas, v.labels, [
        {
          label: window.gettext("Projects"),
          data: v.values,
          backgroundColor: [colours.green, colours.grey, colours.red, "#adb5bd"],
        },
      ], { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
    }
  });
})();
