/* Response's own script: the viewer's time zone, live-refresh guards, print. No dependencies. */
(function () {
  "use strict";
  // Pages render times in the zone named by the `tz` cookie (UTC without it). Tell the server the
  // browser's zone; if this page was rendered in another one, reload it once (GET pages only).
  var tz = "UTC";
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* old */ }
  if (!/^[A-Za-z0-9_+\/-]+$/.test(tz)) tz = "UTC";
  document.cookie = "tz=" + tz + "; path=/; max-age=31536000; samesite=lax";
  var root = document.documentElement;
  if (root.dataset.tz && root.dataset.tz !== tz && root.dataset.method === "GET") {
    var key = "response-tz-reload";
    if (sessionStorage.getItem(key) !== tz) {
      sessionStorage.setItem(key, tz);
      location.reload();
    }
  }

  // A live region is refreshed only when nobody is working inside it (an open edit form, focus).
  window.responseCanRefresh = function (id) {
    var el = document.getElementById(id);
    if (!el) return false;
    if (el.querySelector("details[open]")) return false;
    return !el.contains(document.activeElement);
  };

  // (Here rather than as an hx-trigger filter, which htmx would have to eval: the Content
  // Security Policy forbids that.)
  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (el.hasAttribute("data-refresh-when-idle") && !window.responseCanRefresh(el.id)) {
      event.preventDefault();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
