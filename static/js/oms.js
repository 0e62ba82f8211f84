// The staff UI's keyboard and list behaviour. No inline scripts anywhere: everything is here.
// Global: "?" shortcuts, "/" search, "g" + key navigation. Lists ([data-list]): j / k choose a
// row, Enter opens it, x ticks it; a click anywhere on a row opens it. Pages: an element with
// data-shortcut="n" is opened (a <details> panel: its first field gets the focus) or pressed.
(function () {
  "use strict";
  let pendingG = false;
  let current = -1;

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-list] tbody tr[data-row]"));
  }

  function choose(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("chosen", i === current); });
    const row = all[current];
    row.setAttribute("tabindex", "-1");
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function openRow(row) {
    const link = row.querySelector("[data-row-link]") || row.querySelector("a");
    if (link) window.location = link.href;
  }

  function activate(element) {
    if (element.tagName === "SUMMARY") {
      const details = element.parentElement;
      details.open = true;
      const field = details.querySelector("input:not([type=hidden]), select, textarea");
      (field || element).focus();
    } else if (element.tagName === "SELECT" || element.tagName === "INPUT") {
      element.focus();
    } else {
      element.click();
    }
  }

  function fillShortcuts() {
    const body = document.querySelector("[data-page-shortcuts]");
    if (!body || body.dataset.filled) return;
    body.dataset.filled = "1";
    document.querySelectorAll("[data-shortcut]").forEach(function (element) {
      const row = document.createElement("tr");
      const key = document.createElement("td");
      const kbd = document.createElement("kbd");
      kbd.textContent = element.dataset.shortcut;
      key.appendChild(kbd);
      const what = document.createElement("td");
      what.textContent = element.dataset.shortcutLabel || element.textContent.trim();
      row.appendChild(key);
      row.appendChild(what);
      body.appendChild(row);
    });
  }

  function showShortcuts() {
    const dialog = document.getElementById("shortcuts");
    if (!dialog || dialog.open) return;
    fillShortcuts();
    dialog.showModal();
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcuts-open]")) { showShortcuts(); return; }
    const row = event.target.closest("[data-list] tbody tr[data-row]");
    if (!row || event.target.closest("a, button, input, label, select, textarea")) return;
    if (window.getSelection && String(window.getSelection())) return; // selecting text, not opening
    openRow(row);
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.key === "Escape") {
      const open = target.closest && target.closest("details[open]");
      if (open) { open.open = false; open.querySelector("summary").focus(); }
      return;
    }
    // "/" in the (autofocused) empty search box: you are already where "/" would take you.
    if (event.key === "/" && target.matches("[data-search]") && !target.value) {
      event.preventDefault();
      return;
    }
    // An empty scan field (warehouse pages focus one) still takes "g" then a key: scanners
    // type codes in capitals, so a lower-case g there is the shortcut.
    const emptyScan = target.matches("[data-scan]") && !target.value;
    if (emptyScan && (pendingG || event.key === "g")) {
      event.preventDefault();
      if (event.key === "g" && !pendingG) {
        pendingG = true;
        setTimeout(function () { pendingG = false; }, 1000);
        return;
      }
      pendingG = false;
      const link = document.querySelector('nav a[data-key="' + event.key + '"]');
      if (link) window.location = link.href;
      else target.value = "g" + (event.key.length === 1 ? event.key : "");
      return;
    }
    if (typing(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "?") { event.preventDefault(); showShortcuts(); return; }
    if (event.key === "/") {
      const search = document.querySelector("[data-search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (pendingG) {
      pendingG = false;
      const link = document.querySelector('nav a[data-key="' + event.key + '"]');
      if (link) { event.preventDefault(); window.location = link.href; }
      return;
    }
    if (event.key === "g") { pendingG = true; setTimeout(function () { pendingG = false; }, 1000); return; }
    if (event.key === "j" || event.key === "k") {
      if (!rows().length) return;
      event.preventDefault();
      choose(current < 0 ? 0 : current + (event.key === "j" ? 1 : -1));
      return;
    }
    const chosen = rows()[current];
    if (event.key === "Enter" && chosen && target === chosen) { event.preventDefault(); openRow(chosen); return; }
    if (event.key === "x" && chosen && target === chosen) {
      const box = chosen.querySelector("[data-row-check]");
      if (box) { event.preventDefault(); box.checked = !box.checked; return; }
    }
    const element = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (element) { event.preventDefault(); activate(element); }
  });

  // htmx sends Django's CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector('meta[name="csrf-token"]');
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
})();
