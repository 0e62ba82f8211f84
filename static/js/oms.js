// Keyboard shortcuts: "/" focuses the page's search box; g then a nav key opens that page.
(function () {
  let pendingG = false;
  document.addEventListener("keydown", function (event) {
    const target = event.target;
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
    if (target.closest("input, textarea, select, [contenteditable]")) return;
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
    if (event.key === "g") { pendingG = true; setTimeout(function () { pendingG = false; }, 1000); }
  });
  // htmx sends Django's CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector('meta[name="csrf-token"]');
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
})();
