// Every form shows that it is working once sent, and is not sent twice by an impatient second tap.
// Buttons are not disabled: a disabled button would drop its name and value (e.g. approve or reject)
// from the request. A page restored from the back/forward cache starts fresh.
(function () {
  "use strict";

  function reset() {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
      form.querySelectorAll("[data-busy]").forEach(function (button) {
        button.removeAttribute("data-busy");
        button.removeAttribute("aria-disabled");
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.hasAttribute("data-no-busy") || event.defaultPrevented) {
      return;
    }
    // Downloads and searches that stay on the page (GET) need no guard.
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    var button = event.submitter || form.querySelector("[type=submit]");
    if (button) {
      button.setAttribute("data-busy", "");
      button.setAttribute("aria-disabled", "true");
    }
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      reset();
    }
  });
})();
