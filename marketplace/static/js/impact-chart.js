// Social return chart on the initiative page. Data comes from a JSON block (CSP-safe); the table
// next to the chart holds the same numbers for screen readers and for when this does not run.
(function () {
  "use strict";

  function start() {
    var canvas = document.getElementById("impact-chart");
    var block = document.getElementById("impact-chart-data");
    if (!canvas || !block || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(block.textContent);
    var locale = canvas.dataset.locale === "en" ? "en-GB" : "nl-NL";
    var euros = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
    var ratio = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    var number = function (text) { return text === null ? null : Number(text); };
    var months = data.labels.map(function (label) {
      var parts = label.split("-");
      return new Date(Number(parts[0]), Number(parts[1]) - 1, 1)
        .toLocaleDateString(locale, { month: "short", year: "numeric" });
    });

    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: months,
        datasets: [
          {
            label: canvas.dataset.labelValue,
            data: data.social_value.map(number),
            borderColor: "#0b6e4f",
            backgroundColor: "rgba(11, 110, 79, 0.12)",
            fill: true,
            stepped: true,
            yAxisID: "y"
          },
          {
            label: canvas.dataset.labelInputs,
            data: data.inputs.map(number),
            borderColor: "#30638e",
            borderDash: [6, 4],
            stepped: true,
            yAxisID: "y"
          },
          {
            label: canvas.dataset.labelRatio,
            data: data.ratio.map(number),
            borderColor: "#f0a202",
            pointRadius: 0,
            yAxisID: "ratio",
            hidden: true
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { beginAtZero: true, ticks: { callback: function (v) { return euros.format(v); } } },
          ratio: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false },
                   ticks: { callback: function (v) { return ratio.format(v); } } }
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var value = ctx.parsed.y;
                var text = ctx.dataset.yAxisID === "ratio" ? ratio.format(value) : euros.format(value);
                return ctx.dataset.label + ": " + text;
              }
            }
          }
        }
      }
    });
    canvas.dataset.ready = "true";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
