/* Maps of youth offices: `.js-office-map` loads GeoJSON from data-geojson; `.js-pin-map` shows one pin.
   The country outlines (config.outlines) lie in a pane under the tiles: when the tile server is out
   of reach, the outlines and the markers still show where each office is. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var SERBIA_AND_BIH = [[42.2, 15.7], [46.2, 23.0]];

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    map.createPane("outlines");  /* stacked under the tile pane by site.css */
    L.geoJSON(config.outlines, {
      pane: "outlines",
      interactive: false,
      style: { className: "country-outline", color: "#6c757d", weight: 1.5, fillColor: "#ffffff", fillOpacity: 1 },
    }).addTo(map);
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
    return map;
  }

  function pin(status) {
    return L.divIcon({
      className: "office-pin office-pin--" + status,
      iconSize: [18, 18],
      html: "",
    });
  }

  function popup(properties) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = properties.name;
    box.appendChild(title);
    var details = document.createElement("div");
    details.textContent = properties.area + " · " + properties.status_label +
      (properties.opened_on ? " · " + config.opened + " " + properties.opened_on.slice(0, 4) : "");
    box.appendChild(details);
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = config.openPage;
    box.appendChild(link);
    return box;
  }

  function officeMap(element) {
    var map = baseMap(element);
    map.fitBounds(SERBIA_AND_BIH);
    var layer = element.dataset.cluster === "true" ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.layerGroup();
    layer.addTo(map);
    fetch(element.dataset.geojson, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var markers = (data.features || []).map(function (feature) {
          var coordinates = feature.geometry.coordinates;
          var marker = L.marker([coordinates[1], coordinates[0]], {
            icon: pin(feature.properties.status),
            title: feature.properties.name,
            alt: feature.properties.name,
          });
          marker.bindPopup(function () { return popup(feature.properties); });
          return marker;
        });
        if (layer.addLayers) { layer.addLayers(markers); } else { markers.forEach(function (m) { layer.addLayer(m); }); }
        element.dataset.markers = String(markers.length);
        if (markers.length) {
          map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [20, 20], maxZoom: 11 });
        }
      })
      .catch(function () {
        element.dataset.markers = "0";
        var message = document.createElement("p");
        message.className = "alert alert-warning mt-2";
        message.setAttribute("role", "alert");
        message.textContent = config.loadError;
        element.insertAdjacentElement("afterend", message);
      });
  }

  function pinMap(element) {
    var point = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lon)];
    var map = baseMap(element);
    map.setView(point, 13);
    L.marker(point, { icon: pin(element.dataset.status), title: element.dataset.title, alt: element.dataset.title }).addTo(map);
    element.dataset.markers = "1";
  }

  document.querySelectorAll(".js-office-map").forEach(officeMap);
  document.querySelectorAll(".js-pin-map").forEach(pinMap);
})();
