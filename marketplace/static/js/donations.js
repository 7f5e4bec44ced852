// Giving: preset amount buttons, and the return page that polls its status until it is final.
(function () {
  "use strict";

  function setupPresets() {
    document.querySelectorAll(".give-form").forEach(function (form) {
      var input = form.querySelector("input[name=amount]");
      form.querySelectorAll("button.preset").forEach(function (button) {
        button.addEventListener("click", function () {
          if (input) {
            input.value = button.getAttribute("data-amount");
            input.focus();
          }
        });
      });
    });
  }

  // The give form's summary: what the donor pays, what reaches the initiative, what the
  // platform keeps (the same rule as the server: fee = fixed + percentage, half up; tip on top).
  function cents(text) {
    var match = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text || "");
    if (!match) {
      return null;
    }
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "0").padEnd(2, "0"), 10);
  }

  function setupSummary() {
    document.querySelectorAll(".give-form").forEach(function (form) {
      var box = form.querySelector(".give-summary");
      var amount = form.querySelector("input[name=amount]");
      var tip = form.querySelector("input[name=tip]");
      if (!box || !amount) {
        return;
      }
      var totals = box.querySelector(".give-totals");
      var money = new Intl.NumberFormat(box.getAttribute("data-locale") || "nl", {
        style: "currency",
        currency: "EUR",
      });
      var fixed = parseInt(box.getAttribute("data-fee-fixed") || "0", 10);
      var percent = parseFloat(box.getAttribute("data-fee-percent") || "0");

      function update() {
        var gift = cents(amount.value);
        var extra = tip && tip.value.trim() ? cents(tip.value) : 0;
        if (gift === null || extra === null) {
          totals.hidden = true;
          return;
        }
        var fee = fixed + Math.round((gift * percent) / 100);
        totals.querySelector("[data-total]").textContent = money.format((gift + extra) / 100);
        totals.querySelector("[data-share]").textContent = money.format(Math.max(0, gift - fee) / 100);
        totals.querySelector("[data-platform]").textContent = money.format((fee + extra) / 100);
        totals.hidden = false;
      }

      form.querySelectorAll(".tip-suggest").forEach(function (button) {
        button.addEventListener("click", function () {
          var gift = cents(amount.value);
          if (gift !== null && tip) {
            var suggested = Math.round((gift * parseFloat(button.getAttribute("data-percent"))) / 100);
            tip.value = (suggested / 100).toFixed(2);
            update();
          }
        });
      });
      form.addEventListener("input", update);
      form.addEventListener("click", function () {
        window.setTimeout(update, 0);
      });
      update();
    });
  }

  function show(box, which) {
    box.querySelectorAll(".status-text").forEach(function (el) {
      el.hidden = !el.classList.contains("status-text-" + which);
    });
  }

  function setupPolling() {
    var box = document.querySelector("[data-status-url]");
    if (!box || box.getAttribute("data-final") === "true") {
      return;
    }
    var url = box.getAttribute("data-status-url");
    var label = box.querySelector(".status-label");
    var delay = 1500;
    var started = Date.now();

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          if (label) {
            label.textContent = data.label;
          }
          box.className = box.className.replace(/status-[a-z_]+/g, "") + " status-" + data.status;
          if (data.final) {
            box.setAttribute("data-final", "true");
            show(box, data.paid ? "paid" : "failed");
            return;
          }
          schedule();
        })
        .catch(schedule);
    }

    function schedule() {
      // Back off slowly; stop after ten minutes (reconciliation takes over).
      if (Date.now() - started > 600000) {
        return;
      }
      delay = Math.min(delay * 1.3, 10000);
      window.setTimeout(poll, delay);
    }

    window.setTimeout(poll, 800);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupPresets();
    setupSummary();
    setupPolling();
  });
})();
