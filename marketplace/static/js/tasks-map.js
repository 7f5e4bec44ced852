// "An hour of help nearby": the tasks of the list on a Leaflet map (markers from data-markers).
(function () {
  "use strict";
  function init() {
    const element = document.getElementById("tasks-map");
    if (!element || typeof window.L === "undefined") return;
    const L = window.L;
    const d = element.dataset;
    const map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(d.tileUrl, { attribution: d.tileAttribution, maxZoom: 18 }).addTo(map);
    const hasCenter = d.centerLat !== undefined;
    if (hasCenter) {
      const center = [Number(d.centerLat), Number(d.centerLon)];
      const radius = Number(d.radiusKm) * 1000;
      map.fitBounds(L.latLng(center).toBounds(radius * 2));
      L.circle(center, { radius, weight: 1, fillOpacity: 0.05 }).addTo(map);
    } else {
      map.setView([52.2, 5.3], 7);
    }
    const markers = JSON.parse(d.markers || "[]");
    const layer = L.featureGroup();
    markers.forEach((m) => {
      const marker = L.circleMarker([m.lat, m.lon], { radius: 7, weight: 1, color: "#0b4d41", fillColor: "#1d6f5f", fillOpacity: 0.85 });
      const link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.title;
      marker.bindPopup(link);
      layer.addLayer(marker);
    });
    layer.addTo(map);
    element.dataset.count = String(markers.length);
    if (!hasCenter && markers.length) map.fitBounds(layer.getBounds(), { maxZoom: 12, padding: [20, 20] });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
