// Warehouse desk: a keyboard-wedge scanner types its code and presses Enter wherever focus is.
// - Keys typed outside any field go to the page's scan field.
// - Scans on the pick screens are sent one after the other (none lost while one is on its
//   way): the field is cleared at once, the answer replaces the panel named by data-target.
// - Buttons with data-print print; selects with data-autosubmit submit their form.
(function () {
  "use strict";

  function scanField() {
    return document.querySelector("[data-scan]") || document.querySelector("[data-tracking]");
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  document.addEventListener("keydown", function (event) {
    const field = scanField();
    if (!field || event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "g" || event.key === "/") return; // the page shortcuts (oms.js)
    field.focus();
  });

  let queue = Promise.resolve();

  async function send(form, body) {
    const response = await fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrfToken() },
    });
    const redirect = response.headers.get("HX-Redirect");
    if (redirect) {
      window.location.assign(redirect);
      return new Promise(function () {}); // the page is leaving: later scans wait for the new one
    }
    if (!response.ok) throw new Error("scan answered " + response.status);
    const target = document.querySelector(form.dataset.target);
    target.innerHTML = await response.text();
    if (window.htmx) window.htmx.process(target);
    const feedback = target.querySelector("[data-feedback]");
    if (feedback) feedback.classList.add("flash");
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-scan-form]");
    if (!form || !window.fetch) return;
    event.preventDefault();
    const input = form.querySelector("[data-scan]");
    const body = new FormData(form);
    input.value = "";
    input.focus();
    form.setAttribute("aria-busy", "true");
    queue = queue
      .then(function () { return send(form, body); })
      .catch(function () { window.location.reload(); })
      .finally(function () { form.removeAttribute("aria-busy"); });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // After an htmx swap (queue filters) the scan field gets the focus back.
  document.addEventListener("htmx:afterSettle", function () {
    const field = scanField();
    if (field && !document.activeElement.closest("input, textarea, select")) field.focus();
  });
})();
