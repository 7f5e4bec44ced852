// Portfolio chart: reads the JSON data block (CSP allows it, it is not executed) and draws
// cumulative given and attributed social value (left axis) and the social return (right axis).
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("portfolio-chart");
    var block = document.getElementById("portfolio-chart-data");
    if (!canvas || !block || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(block.textContent);
    var number = function (text) { return text === null ? null : parseFloat(text); };
    // axis labels in the page's language (Chart.js would use the browser's)
    var euros = new Intl.NumberFormat(document.documentElement.lang || "nl",
      { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.months,
        datasets: [
          { label: canvas.dataset.labelGiven, data: data.given.map(number), yAxisID: "y",
            borderColor: "#30638e", backgroundColor: "#30638e", pointRadius: 0, tension: 0.1 },
          { label: canvas.dataset.labelValue, data: data.value.map(number), yAxisID: "y",
            borderColor: "#0b6e4f", backgroundColor: "#0b6e4f", pointRadius: 0, tension: 0.1 },
          { label: canvas.dataset.labelRatio, data: data.ratio.map(number), yAxisID: "ratio",
            borderColor: "#f0a202", backgroundColor: "#f0a202", borderDash: [6, 4],
            pointRadius: 0, tension: 0.1 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, position: "left", ticks: { callback: function (v) { return euros.format(v); } } },
          ratio: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } }
        }
      }
    });
    canvas.dataset.ready = "true";
    window.portfolioChart = chart;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
