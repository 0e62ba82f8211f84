// Long admin work (imports): once a form is sent, say so and count the seconds until the answer.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    const form = event.target, started = Date.now();
    const busy = document.getElementById("oms-busy") || document.body.appendChild(document.createElement("div"));
    busy.id = "oms-busy";
    busy.setAttribute("role", "status");
    busy.setAttribute("aria-live", "polite");
    form.querySelectorAll("[type=submit]").forEach(function (button) { button.disabled = true; });
    const label = form.querySelector("[name=confirm]") ? "Importing" : "Checking every row";
    function tick() {
      const seconds = Math.round((Date.now() - started) / 1000);
      busy.textContent = label + "\u2026 " + seconds + " s. Large files take a minute; keep this tab open.";
    }
    tick();
    setInterval(tick, 1000);
  });
})();
