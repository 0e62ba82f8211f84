// Charts from data attributes (no inline script): <canvas data-chart="bar"
// data-chart-labels="a|b" data-chart-values="1|2">. Chart.js is vendored in static/vendor.
(function () {
  "use strict";
  function draw() {
    if (!window.Chart) return;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      const labels = (canvas.dataset.chartLabels || "").split("|").filter(Boolean);
      const values = (canvas.dataset.chartValues || "").split("|").filter(Boolean).map(Number);
      new window.Chart(canvas, {
        type: canvas.dataset.chart,
        data: { labels: labels, datasets: [{ label: "Orders", data: values, backgroundColor: "#1f5eff" }] },
        options: {
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
