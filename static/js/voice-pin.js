/*
 * The pin of a problem on the form "Say something to the city": a tap on the map (or "use where I am")
 * fills the form's hidden latitude and longitude. Without JavaScript, Leaflet or tiles, the address
 * field is the way to say where; the form works without this script.
 */
(function () {
  "use strict";

  var ISFAHAN = [32.6546, 51.668];
  var TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var TILE_TIMEOUT_MS = 15000;

  function init(container) {
    var form = container.closest("form");
    var latitude = form.querySelector("input[name=latitude]");
    var longitude = form.querySelector("input[name=longitude]");
    var status = container.querySelector(".voice-pin__status");
    if (typeof window.L === "undefined" || !latitude || !longitude) return;
    var L = window.L;
    container.hidden = false;
    var map = L.map(container.querySelector(".voice-pin__canvas"), { scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var loaded = 0;
    var tiles = L.tileLayer(TILE_URL, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    });
    tiles.on("tileload", function () { loaded += 1; });
    var noTiles = function () {
      if (loaded === 0) status.textContent = container.dataset.tilesFailed || "";
    };
    tiles.on("load", noTiles);
    window.setTimeout(noTiles, TILE_TIMEOUT_MS);
    tiles.addTo(map);
    var marker = null;

    function pin(lat, lng) {
      latitude.value = lat.toFixed(6);
      longitude.value = lng.toFixed(6);
      if (marker) marker.setLatLng([lat, lng]);
      else marker = L.marker([lat, lng]).addTo(map);
      status.textContent = container.dataset.pinned || "";
    }

    if (latitude.value && longitude.value) {
      var lat = parseFloat(latitude.value);
      var lng = parseFloat(longitude.value);
      map.setView([lat, lng], 16);
      pin(lat, lng);
    } else {
      map.setView(ISFAHAN, 12);
    }
    map.on("click", function (event) { pin(event.latlng.lat, event.latlng.lng); });
    var locate = container.querySelector("[data-voice-locate]");
    if (locate && navigator.geolocation) {
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          map.setView([position.coords.latitude, position.coords.longitude], 17);
          pin(position.coords.latitude, position.coords.longitude);
        });
      });
    } else if (locate) {
      locate.hidden = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-voice-pin]"), function (container) {
      try { init(container); } catch (error) { container.hidden = true; }
    });
  });
})();
