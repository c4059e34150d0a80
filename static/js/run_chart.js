// Run charts on the project and A3 pages. Data comes from the page's json_script "run-charts":
// one entry per measure, drawn into canvas.run-chart[data-chart-index]. The baseline and target are
// drawn as extra dashed datasets so no plugin is needed, and the legend names them.
(function () {
  "use strict";
  var source = document.getElementById("run-charts");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(source.textContent);

  function flat(value, count) {
    var out = [];
    for (var i = 0; i < count; i += 1) {
      out.push(value);
    }
    return out;
  }

  // Day and month in the page's language (Intl knows every language we offer).
  var dayMonth = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });

  function formatDate(iso) {
    var parts = iso.split("-");
    return dayMonth.format(Date.UTC(+parts[0], +parts[1] - 1, +parts[2]));
  }

  document.querySelectorAll("canvas.run-chart").forEach(function (canvas) {
    var data = charts[parseInt(canvas.dataset.chartIndex, 10)];
    if (!data) {
      return;
    }
    var labels = data.labels.map(formatDate);
    var count = Math.max(labels.length, 1);
    if (!labels.length) {
      labels = [window.gettext("No measurements yet")];
    }
    var unit = data.unit ? " (" + data.unit + ")" : "";
    // Leave room above and below so the baseline and target lines never sit on the frame.
    var all = data.values.concat([data.baseline, data.target].filter(function (v) {
      return v !== null;
    }));
    var low = Math.min.apply(null, all.length ? all : [0]);
    var high = Math.max.apply(null, all.length ? all : [1]);
    var pad = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
    var datasets = [
      {
        label: data.name + unit,
        data: data.values,
        borderColor: "#0b4f6c",
        backgroundColor: "#0b4f6c",
        pointRadius: 4,
        pointStyle: "circle",
        borderWidth: 2,
        tension: 0,
      },
    ];
    if (data.baseline !== null) {
      datasets.push({
        label: window.interpolate(window.gettext("Baseline: %s"), [data.baseline + unit]),
        data: flat(data.baseline, count),
        borderColor: "#6c757d",
        borderDash: [6, 4],
        borderWidth: 2,
        pointRadius: 0,
        pointStyle: "line",
      });
    }
    if (data.target !== null) {
      datasets.push({
        label: window.interpolate(window.gettext("Target: %s"), [data.target + unit]),
        data: flat(data.target, count),
        borderColor: "#1e7e34",
        borderDash: [2, 3],
        borderWidth: 2,
        pointRadius: 0,
        pointStyle: "line",
      });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true, color: "#212529" } },
          title: { display: false },
        },
        scales: {
          x: { title: { display: true, text: window.gettext("Date"), color: "#212529" }, ticks: { color: "#212529" } },
          y: {
            title: { display: true, text: data.name + unit, color: "#212529" },
            ticks: { color: "#212529" },
            beginAtZero: false,
            suggestedMin: low - pad,
            suggestedMax: high + pad,
          },
        },
      },
    });
  });
  // Charts resize to the page width before printing, so the printed copy is not clipped.
  window.addEventListener("beforeprint", function () {
    Object.values(window.Chart.instances || {}).forEach(function (chart) {
      chart.resize();
    });
  });
})();
