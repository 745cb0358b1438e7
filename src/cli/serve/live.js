/* gongshi serve: live reload. Injected by `gongshi serve` only, never part of a build. */
(function () {
  "use strict";
  var key = "gongshi-serve:" + location.pathname;
  var me = document.querySelector("script[data-gongshi-version]");
  var seen = me ? me.getAttribute("data-gongshi-version") : null;

  // Back where the reader was before the reload.
  try {
    var saved = JSON.parse(sessionStorage.getItem(key) || "null");
    if (saved) {
      sessionStorage.removeItem(key);
      window.addEventListener("load", function () { window.scrollTo(saved.x, saved.y); });
      if (document.readyState === "complete") window.scrollTo(saved.x, saved.y);
    }
  } catch (e) { /* storage unavailable: reload without restoring */ }

  function reload() {
    try {
      sessionStorage.setItem(key, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  // The problems overlay: dismissing hides it until the problems change.
  var box = document.getElementById("gongshi-serve-problems");
  if (box) {
    var sig = "gongshi-serve-dismissed:" + box.textContent.length + ":" + box.className;
    var close = box.querySelector(".gs-close");
    if (sessionStorage.getItem(sig)) box.hidden = true;
    if (close) {
      close.addEventListener("click", function () {
        box.hidden = true;
        try { sessionStorage.setItem(sig, "1"); } catch (e) { /* ignore */ }
      });
      if (box.classList.contains("gs-errors")) close.focus();
    }
  }

  if (!window.EventSource) return;
  var source = new EventSource("/__gongshi/events");
  // This page's file, as the server names it.
  var path = decodeURIComponent(location.pathname).replace(/^\/+/, "");
  if (path === "" || /\/$/.test(path)) path += "index.html";

  // On connecting the server sends its version: a page built from another
  // one (a rebuild finished while it loaded, or the server restarted)
  // reloads. After each rebuild it says what changed: the page reloads
  // only if its own file did, or every page did.
  source.addEventListener("version", function (e) {
    if (e.data !== seen) reload();
  });
  source.addEventListener("change", function (e) {
    var change;
    try { change = JSON.parse(e.data); } catch (err) { reload(); return; }
    if (change.all || change.paths.indexOf(path) !== -1) reload();
    else seen = change.version;
  });
  source.onerror = function () { /* EventSource reconnects by itself */ };
  document.documentElement.setAttribute("data-gongshi-serve", "live");
})();
