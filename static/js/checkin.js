// Check-in pages. Without JavaScript both still work: the scan form posts without a position (which
// shifts with a check-in radius refuse, saying what to do), and the QR page reloads itself each minute.
(function () {
  "use strict";

  // --- The volunteer's scan page: ask for the position only when the shift needs it, then post. ---
  var form = document.querySelector("[data-checkin-form]");
  if (form) {
    var button = form.querySelector("[data-checkin-submit]");
    var progress = form.querySelector("[data-checkin-progress]");
    var geoError = form.querySelector("[data-checkin-geo-error]");
    var submitting = false;

    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }  // one post per press; the server is idempotent too
      if (!form.hasAttribute("data-needs-position") || form.elements.latitude.value) {
        submitting = true;
        button.disabled = true;
        return;
      }
      event.preventDefault();
      geoError.hidden = true;
      if (!("geolocation" in navigator)) { geoError.hidden = false; return; }
      button.disabled = true;
      progress.hidden = false;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.latitude.value = position.coords.latitude.toFixed(6);
          form.elements.longitude.value = position.coords.longitude.toFixed(6);
          submitting = true;
          progress.hidden = true;
          form.submit();
        },
        function () {
          progress.hidden = true;
          button.disabled = false;
          geoError.hidden = false;
        },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 30000 }
      );
    });
  }

  // --- The site lead's QR screen: a fresh code before the shown one expires. ---
  var screen = document.querySelector("[data-checkin-qr]");
  if (screen) {
    var box = screen.querySelector("[data-checkin-qr-code]");
    var expires = screen.querySelector("[data-checkin-expires]");
    var refreshError = screen.querySelector("[data-checkin-refresh-error]");
    var refreshMs = (parseInt(screen.dataset.refreshSeconds, 10) || 60) * 1000;
    var persian = (screen.dataset.language || "").indexOf("fa") === 0;
    var expiresAt = screen.dataset.expiresAt ? new Date(screen.dataset.expiresAt) : null;

    var showTime = function (iso) {
      return new Date(iso).toLocaleTimeString(persian ? "fa-IR" : "en-GB", {
        timeZone: screen.dataset.timeZone || undefined, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
      });
    };
    var showCount = function (value) { return persian ? value.toLocaleString("fa-IR") : String(value); };

    var refresh = function () {
      fetch(screen.dataset.tokenUrl, {
        credentials: "same-origin", headers: { "Accept": "application/json", "Accept-Language": screen.dataset.language }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          box.innerHTML = data.qr_svg;  // SVG made by our own server
          box.classList.remove("checkin-qr__box--stale");
          expiresAt = new Date(data.expires_at);
          expires.textContent = showTime(data.expires_at);
          screen.querySelector('[data-checkin-count="checked_in"]').textContent = showCount(data.checked_in_count);
          screen.querySelector('[data-checkin-count="confirmed"]').textContent = showCount(data.confirmed_count);
          refreshError.hidden = true;
          window.setTimeout(refresh, refreshMs);
        })
        .catch(function () {
          refreshError.hidden = false;
          // An expired code on screen would only make people fail: grey it out until a fresh one comes.
          if (expiresAt === null || Date.now() >= expiresAt.getTime()) { box.classList.add("checkin-qr__box--stale"); }
          window.setTimeout(refresh, 10000);
        });
    };
    window.setTimeout(refresh, refreshMs);

    // The screen stays on while the code is shown, where the browser allows it.
    var keepAwake = function () {
      if (navigator.wakeLock && document.visibilityState === "visible") {
        navigator.wakeLock.request("screen").catch(function () {});
      }
    };
    keepAwake();
    document.addEventListener("visibilitychange", keepAwake);
  }
})();
