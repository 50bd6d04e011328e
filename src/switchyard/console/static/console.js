// The console's only script besides htmx: no inline scripts (the CSP forbids them).
(function () {
  "use strict";
  // Times are shown in the viewer's zone: tell the server which one the browser is in.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("sy_tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "sy_tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax; max-age=31536000";
    }
  } catch (e) { /* an old browser: the profile's zone is used */ }

  // <form data-confirm="Cancel this order?">: ask before a destructive action.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <input data-scan>: a keyboard-wedge barcode scanner types the code and Enter; the
  // form submits and the field is ready for the next scan.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form && form.querySelector) {
      var scan = form.querySelector("input[data-scan]");
      if (scan) { scan.value = ""; scan.focus(); }
    }
  });

  // <input type="checkbox" data-check-all="name">: select every row of a bulk action.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (name) {
      document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (b) {
        b.checked = box.checked;
      });
    }
  });
})();
