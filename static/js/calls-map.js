/*
 * Progressive enhancements of the open-call pages. Both pages work fully without this script.
 *
 * 1. Maps: every element with `data-calls-map` (hidden in the HTML) becomes a Leaflet map with
 *    OpenStreetMap tiles. Markers come from a json_script element (`data-points-id`, a list of
 *    {id, title, url, lat, lng, service}) or from one position on the element (`data-marker-lat`, …).
 *    When Leaflet did not load, or no tile loads, the map area says so in a line and the list stays
 *    the way to find a call.
 * 2. Free places: a table with `data-live-shifts` refreshes each shift's free places from
 *    `data-live-url` every 30 seconds while the page is visible. Any failure leaves the numbers the
 *    server rendered; after repeated failures (or a 404) it stops asking.
 *
 * Every text shown comes from data attributes that the templates translate.
 */
(function () {
  "use strict";

  var ISFAHAN = [32.6546, 51.668];
  var CITY_ZOOM = 12;
  var SINGLE_MARKER_ZOOM = 16;
  var TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png";
  var COPYRIGHT_URL = "https://www.openstreetmap.org/copyright";
  var TILE_TIMEOUT_MS = 15000;
  var REFRESH_MS = 30000;
  var MAX_FAILURES = 3;

  function showStatus(container, message) {
    var status = container.querySelector(".calls-map__status");
    if (status && message) {
      status.textContent = message;
      status.hidden = false;
    }
  }

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function readPoints(container) {
    if (container.dataset.pointsId) {
      var script = document.getElementById(container.dataset.pointsId);
      if (!script) return [];
      try {
        var points = JSON.parse(script.textContent);
        return Array.isArray(points) ? points : [];
      } catch (error) {
        return [];
      }
    }
    var lat = parseFloat(container.dataset.markerLat);
    var lng = parseFloat(container.dataset.markerLng);
    if (isNaN(lat) || isNaN(lng)) return [];
    return [{ lat: lat, lng: lng, title: container.dataset.markerTitle || "", text: container.dataset.markerText || "" }];
  }

  function popupContent(point, openLabel) {
    // Built from DOM nodes so that titles are text, never markup.
    var wrapper = document.createElement("div");
    wrapper.dir = document.documentElement.dir || "auto";
    wrapper.lang = document.documentElement.lang || "";
    wrapper.className = "calls-map__popup";
    var title = document.createElement(point.url ? "a" : "strong");
    title.textContent = point.title || openLabel || "";
    if (point.url) title.href = point.url;
    wrapper.appendChild(title);
    var detail = point.service || point.text;
    if (detail) {
      var line = document.createElement("span");
      line.textContent = detail;
      wrapper.appendChild(document.createElement("br"));
      wrapper.appendChild(line);
    }
    return wrapper;
  }

  function failMap(container) {
    var canvas = container.querySelector(".calls-map__canvas");
    if (canvas) canvas.hidden = true;
    container.hidden = false;
    container.classList.add("calls-map--failed");
    showStatus(container, container.dataset.mapFailed);
  }

  function initMap(container) {
    if (typeof window.L === "undefined") {
      // Leaflet itself did not arrive: say so in place of the map; the page is whole without it.
      failMap(container);
      return;
    }
    var L = window.L;
    var canvas = container.querySelector(".calls-map__canvas");
    var points = readPoints(container);
    container.hidden = false;

    var map = L.map(canvas, { scrollWheelZoom: false });
    // Leaflet's default credit carries a national flag; a plain link credits it without taking sides.
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');

    var loadedTiles = 0;
    var tiles = L.tileLayer(TILE_URL, {
      maxZoom: 19,
      attribution:
        '&copy; <a href="' + COPYRIGHT_URL + '">' + escapeHtml(container.dataset.attribution || "OpenStreetMap") + "</a>",
    });
    tiles.on("tileload", function () {
      loadedTiles += 1;
      if (container.classList.contains("calls-map--no-tiles")) {
        // A slow tile server answered after all.
        container.classList.remove("calls-map--no-tiles");
        container.querySelector(".calls-map__status").hidden = true;
      }
    });
    var noTiles = function () {
      if (loadedTiles === 0) {
        container.classList.add("calls-map--no-tiles");
        showStatus(container, container.dataset.tilesFailed);
      }
    };
    // "load" fires once every tile in view has either arrived or failed; the timeout covers a tile
    // server that never answers at all.
    tiles.on("load", noTiles);
    window.setTimeout(noTiles, TILE_TIMEOUT_MS);
    tiles.addTo(map);

    var markers = points.map(function (point) {
      return L.marker([point.lat, point.lng], { title: point.title || "", alt: point.title || "" })
        .bindPopup(popupContent(point, container.dataset.openLabel))
        .addTo(map);
    });

    if (markers.length === 1) {
      map.setView(markers[0].getLatLng(), SINGLE_MARKER_ZOOM);
    } else if (markers.length > 1) {
      // A marker's pin stands above its point: leave it room at the top.
      map.fitBounds(L.featureGroup(markers).getBounds(), {
        paddingTopLeft: [24, 48],
        paddingBottomRight: [24, 16],
        maxZoom: SINGLE_MARKER_ZOOM,
      });
    } else {
      map.setView(ISFAHAN, CITY_ZOOM);
    }
  }

  function initMaps() {
    var containers = document.querySelectorAll("[data-calls-map]");
    Array.prototype.forEach.call(containers, function (container) {
      try {
        initMap(container);
      } catch (error) {
        failMap(container);
      }
    });
  }

  function initLiveShifts(table) {
    var url = table.dataset.liveUrl;
    if (!url || typeof window.fetch !== "function") return;
    var fullLabel = table.dataset.fullLabel || "0";
    var language = document.documentElement.lang || undefined;
    var formatter;
    try {
      formatter = new Intl.NumberFormat(language);
    } catch (error) {
      formatter = { format: String };
    }
    var failures = 0;
    var timer = null;

    function apply(data) {
      if (!data || !Array.isArray(data.shifts)) return;
      data.shifts.forEach(function (shift) {
        if (!shift || typeof shift.free_places !== "number") return;
        var row = table.querySelector('tr[data-shift-id="' + String(shift.id).replace(/[^0-9]/g, "") + '"]');
        var cell = row && row.querySelector("[data-free-places]");
        if (!cell) return;
        var text = shift.free_places > 0 ? formatter.format(shift.free_places) : fullLabel;
        if (cell.textContent !== text) cell.textContent = text;
      });
    }

    function stop() {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
    }

    function refresh() {
      if (document.hidden) return;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 404) {
            // No such endpoint (or call) here: the server-rendered numbers are all there is.
            stop();
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (data === null) return;
          failures = 0;
          apply(data);
        })
        .catch(function () {
          failures += 1;
          if (failures >= MAX_FAILURES) stop();
        });
    }

    timer = window.setInterval(refresh, REFRESH_MS);
  }

  function initAllLiveShifts() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-shifts]"), initLiveShifts);
  }

  function start() {
    initMaps();
    initAllLiveShifts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
