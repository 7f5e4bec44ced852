// Line charts of the exchange: each <canvas data-chart="ID"> reads <script type="application/json" id="ID">.
// The same figures are in a table next to the chart, so nothing is lost without JavaScript.
(function () {
  "use strict";
  const COLORS = ["#1d6f5f", "#c0392b", "#2e86de", "#f39c12", "#8e44ad", "#16a085", "#7f8c8d"];

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") return;
    const block = document.getElementById(canvas.dataset.chart);
    if (!block) return;
    const data = JSON.parse(block.textContent);
    const months = Array.from(
      new Set(data.series.flatMap((s) => s.points.map((p) => p.month)))
    ).sort();
    const hasSecondAxis = data.series.some((s) => s.axis === "y1");
    const datasets = data.series.map((series, i) => {
      const byMonth = new Map(series.points.map((p) => [p.month, p.value]));
      return {
        label: series.label,
        data: months.map((m) => (byMonth.has(m) && byMonth.get(m) !== null ? Number(byMonth.get(m)) : null)),
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        yAxisID: series.axis || "y",
        spanGaps: true,
        pointRadius: 0,
        borderWidth: series.key === "all" || series.key === "initiative" ? 3 : 1.5,
      };
    });
    const scales = { y: { title: { display: !!data.y_label, text: data.y_label } } };
    if (hasSecondAxis) {
      scales.y1 = { position: "right", grid: { drawOnChartArea: false }, title: { display: !!data.y1_label, text: data.y1_label } };
    }
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: "line",
      data: { labels: months, datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: "index", intersect: false }, scales },
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
