/* Station maps (Leaflet, vendored).

   <div id="station-map" data-markers='[{"code","name","lat","lng","url"}]' data-tiles="..." data-attribution="...">
   draws a pin per station; tiles are added only when the server has a tile URL configured, so the page works
   offline with pins on a plain background. The directory redraws it after each htmx swap.

   With data-pick-lat="#id_latitude" data-pick-lng="#id_longitude", the map is a location picker for the
   back office: a click (or Enter on the focused map) moves the pin and fills the two inputs, and typing in the
   inputs moves the pin.
*/
(function () {
  "use strict";
  var AMMAN = [31.95, 35.91];
  var map = null;
  var layer = null;

  function parseMarkers(el) {
    try { return JSON.parse(el.dataset.markers || "[]"); } catch (e) { return []; }
  }

  function ensureMap(el) {
    if (map && map.getContainer() === el) { return map; }
    if (map) { map.remove(); }
    // No animations: the directory replaces the map's container with each htmx swap, and an animation still
    // running on a container that has left the page throws in Leaflet.
    map = L.map(el, {
      scrollWheelZoom: false,
      attributionControl: Boolean(el.dataset.tiles),
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
    }).setView(AMMAN, 11);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    layer = L.layerGroup().addTo(map);
    return map;
  }

  function addPin(m) {
    var marker = L.marker([m.lat, m.lng], { title: m.name, alt: m.name, keyboard: true });
    if (m.url) {
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;
      marker.bindPopup(link);
    }
    marker.addTo(layer);
    return marker;
  }

  function draw() {
    var el = document.getElementById("station-map");
    if (!el || typeof L === "undefined") { return; }
    ensureMap(el);
    layer.clearLayers();
    var markers = parseMarkers(el).filter(function (m) { return isFinite(m.lat) && isFinite(m.lng); });
    var bounds = markers.map(function (m) { addPin(m); return [m.lat, m.lng]; });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 15); }
    if (el.dataset.pickLat && el.dataset.pickLng) { picker(el); }
  }

  function picker(el) {
    var lat = document.querySelector(el.dataset.pickLat);
    var lng = document.querySelector(el.dataset.pickLng);
    if (!lat || !lng) { return; }
    var pin = null;

    function place(latlng, pan) {
      if (!pin) {
        pin = L.marker(latlng, { draggable: true, keyboard: true, alt: el.dataset.pinLabel || "" }).addTo(layer);
        pin.on("dragend", function () { fill(pin.getLatLng()); });
      } else {
        pin.setLatLng(latlng);
      }
      if (pan) { map.setView(latlng, Math.max(map.getZoom(), 15)); }
    }

    function fill(latlng) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function fromInputs() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      if (isFinite(a) && isFinite(b)) { place([a, b], true); }
    }

    layer.clearLayers();
    fromInputs();
    map.on("click", function (event) { place(event.latlng, false); fill(event.latlng); });
    lat.addEventListener("input", fromInputs);
    lng.addEventListener("input", fromInputs);
  }

  document.addEventListener("DOMContentLoaded", draw);
  // Before htmx replaces the results, take the old map down: Leaflet would otherwise finish a pan or zoom
  // animation on a container that is no longer in the page.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (map && event.detail && event.detail.target && event.detail.target.contains(map.getContainer())) {
      map.remove();
      map = null;
      layer = null;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.querySelector && event.target.querySelector("#station-map")) { draw(); }
  });
})();
