// The events list's map: markers of the listed events with a place (the JSON is in data-markers).
(function () {
  "use strict";
  function init() {
    const element = document.getElementById("events-map");
    if (!element || typeof window.L === "undefined") return;
    const L = window.L;
    const d = element.dataset;
    const markers = JSON.parse(d.markers || "[]");
    const map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(d.tileUrl, { attribution: d.tileAttribution, maxZoom: 18 }).addTo(map);
    map.setView([52.2, 5.3], 7); // the Netherlands
    const layer = L.featureGroup();
    markers.forEach((m) => {
      const marker = L.circleMarker([Number(m.lat), Number(m.lon)], {
        radius: 7, weight: 1, color: "#0b4d41", fillColor: "#1d6f5f", fillOpacity: 0.85,
      });
      const link = document.createElement("a");
      link.href = m.url;
      link.textContent = m.title;
      const box = document.createElement("div");
      box.appendChild(link);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(m.when));
      marker.bindPopup(box);
      layer.addLayer(marker);
    });
    layer.addTo(map);
    element.dataset.count = String(markers.length);
    if (markers.length) map.fitBounds(layer.getBounds(), { maxZoom: 12, padding: [20, 20] });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
