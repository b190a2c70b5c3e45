// The page of a sign-up waiting its turn in a shift's line: looks again when the server says to, shows the
// new place in line, and reloads once the sign-up is decided (the page then tells the outcome). Without
// JavaScript the page reloads itself (a refresh inside <noscript>).
(function () {
  "use strict";
  var box = document.querySelector("[data-signup-line]");
  if (!box || !window.fetch) return;
  var place = box.querySelector("[data-place]");
  var url = box.getAttribute("data-state-url");

  function lookAgainIn(seconds) {
    window.setTimeout(look, Math.max(1, seconds || 3) * 1000);
  }

  function look() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (state) {
        if (state && state.state !== "waiting") { window.location.reload(); return; }
        if (state && place && place.textContent !== state.queue_position_text) place.textContent = state.queue_position_text;
        lookAgainIn(state && state.retry_after_seconds);
      })
      .catch(function () { lookAgainIn(5); });
  }

  lookAgainIn(parseInt(box.getAttribute("data-retry-after"), 10));
})();
