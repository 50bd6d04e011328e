// The phone order form (/console/orders/new): a refused order (422) or a conflict (409)
// comes back as the form with every error beside its field; htmx swaps it in like a 200.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var elt = event.detail.elt;
    if ((status === 422 || status === 409 || status === 404) && elt && elt.closest && elt.closest("#phone-order")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After the form is swapped in with errors, move to the first one.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = document.getElementById("phone-order");
    if (form && event.detail.xhr.status >= 400) {
      var bad = form.querySelector('[aria-invalid="true"]') || form.querySelector(".error");
      if (bad && bad.focus) { bad.focus(); }
    }
  });
})();
