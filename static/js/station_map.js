/* Station map: pins from the data-markers attribute; tiles only when the server has a tile URL configured. */
(function () {
  "use strict";
  var map = null;
  var layer = null;

  function draw() {
    var el = document.getElementById("station-map");
    if (!el || typeof L === "undefined") { return; }
    var markers = [];
    try { markers = JSON.parse(el.dataset.markers || "[]"); } catch (e) { markers = []; }
    if (!map || map.getContainer() !== el) {
      if (map) { map.remove(); }
      map = L.map(el, { scrollWheelZoom: false, attributionControl: true }).setView([31.95, 35.91], 11);
      if (el.dataset.tiles) {
        L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
      }
      layer = L.layerGroup().addTo(map);
    }
    layer.clearLayers();
    var bounds = [];
    markers.forEach(function (m) {
      var marker = L.marker([m.lat, m.lng], { title: m.name, alt: m.name });
      var link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.name;
      marker.bindPopup(link);
      marker.addTo(layer);
      bounds.push([m.lat, m.lng]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [30, 30] }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 14); }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
