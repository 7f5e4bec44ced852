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
    setupPolling();
  });
})();
