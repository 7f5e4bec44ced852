// "Discover nearby": a Leaflet map of published initiatives; markers come from /exchange/map.json.
(function () {
  "use strict";
  function init() {
    const element = document.getElementById("nearby-map");
    if (!element || typeof window.L === "undefined") return;
    const L = window.L;
    const d = element.dataset;
    const ratioFormat = new Intl.NumberFormat(document.documentElement.lang || "nl", {
      minimumFractionDigits: 2, maximumFractionDigits: 2,
    });
    const map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(d.tileUrl, { attribution: d.tileAttribution, maxZoom: 18 }).addTo(map);
    const hasCenter = d.centerLat !== undefined;
    if (hasCenter) {
      const center = [Number(d.centerLat), Number(d.centerLon)];
      const radius = Number(d.radiusKm) * 1000;
      map.fitBounds(L.latLng(center).toBounds(radius * 2)); // a view first: circles need one
      L.circle(center, { radius, weight: 1, fillOpacity: 0.05 }).addTo(map);
    } else {
      map.setView([52.2, 5.3], 7); // the Netherlands
    }
    fetch(d.markersUrl, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => {
        const layer = L.featureGroup();
        data.markers.forEach((m) => {
          const marker = L.circleMarker([Number(m.lat), Number(m.lon)], {
            radius: 7, weight: 1, color: "#0b4d41", fillColor: m.social_return ? "#1d6f5f" : "#9aa5b1", fillOpacity: 0.85,
          });
          const link = document.createElement("a");
          link.href = d.initiativeUrl.replace("__slug__", encodeURIComponent(m.slug));
          link.textContent = m.name;
          const box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          // the JSON has "2.09" (data); people read it in the page's language ("2,09" in Dutch)
          const ratio = m.social_return ? " · " + ratioFormat.format(Number(m.social_return)) : "";
          box.appendChild(document.createTextNode(m.municipality + ratio));
          marker.bindPopup(box);
          marker.options.className = "initiative-marker";
          layer.addLayer(marker);
        });
        layer.addTo(map);
        element.dataset.markers = String(data.markers.length);
        if (!hasCenter && data.markers.length) map.fitBounds(layer.getBounds(), { maxZoom: 12, padding: [20, 20] });
      })
      .catch(() => { element.dataset.markers = "error"; });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
