/* Maps of youth offices: `.js-office-map` loads GeoJSON from data-geojson; `.js-pin-map` shows one pin.
   The country outlines (config.outlines) lie in a pane under the tiles: when the tile server is out
   of reach, the outlines and the markers still show where each office is. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var SERBIA_AND_BIH = [[42.2, 15.7], [46.2, 23.0]];

  /* Leaflet's own words (the zoom buttons' titles, its link's title) in the page's language; the
     link itself, and the flag Leaflet puts in it, stay as Leaflet writes them. */
  function translatedControls(map) {
    L.control.zoom({ zoomInTitle: config.zoomIn, zoomOutTitle: config.zoomOut }).addTo(map);
    var prefix = document.createElement("span");
    prefix.innerHTML = map.attributionControl.options.prefix;
    prefix.querySelectorAll("a[title]").forEach(function (link) { link.title = config.leafletTitle; });
    map.attributionControl.setPrefix(prefix.innerHTML);
  }

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    translatedControls(map);
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

  /* The point of the country outlines nearest to `point`, on an edge as well as at a corner. Degrees of
     longitude are scaled to those of latitude, which is near enough over a few hundred kilometres. */
  function nearestOutlinePoint(point) {
    var scale = Math.cos(point.lat * Math.PI / 180);
    var nearest = null;
    var nearestDistance = Infinity;
    config.outlines.features.forEach(function (feature) {
      var ring = feature.geometry.coordinates[0];
      ring.forEach(function (start, index) {
        var end = ring[(index + 1) % ring.length];
        var ax = (start[0] - point.lng) * scale, ay = start[1] - point.lat;
        var dx = (end[0] - start[0]) * scale, dy = end[1] - start[1];
        var length = dx * dx + dy * dy;
        var along = length ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length)) : 0;
        var x = ax + along * dx, y = ay + along * dy;
        if (x * x + y * y < nearestDistance) {
          nearestDistance = x * x + y * y;
          nearest = L.latLng(point.lat + y, point.lng + x / scale);
        }
      });
    });
    return nearest;
  }

  /* The pin in the middle, the nearest border in view: when the tile server is out of reach, that
     outline is what tells where the pin is (at a town's zoom the map would be a blank box with a dot).
     With tiles, an office near a border is shown at a town's zoom, one inland at its region's. */
  function pinView(point) {
    var border = nearestOutlinePoint(point);
    var dLat = Math.abs(border.lat - point.lat), dLng = Math.abs(border.lng - point.lng);
    return L.latLngBounds([point.lat - dLat, point.lng - dLng], [point.lat + dLat, point.lng + dLng]);
  }

  function pinMap(element) {
    var point = L.latLng(parseFloat(element.dataset.lat), parseFloat(element.dataset.lon));
    var map = baseMap(element);
    map.fitBounds(pinView(point), { padding: [24, 24], maxZoom: 11 });
    L.marker(point, { icon: pin(element.dataset.status), title: element.dataset.title, alt: element.dataset.title }).addTo(map);
    element.dataset.markers = "1";
  }

  document.querySelectorAll(".js-office-map").forEach(officeMap);
  document.querySelectorAll(".js-pin-map").forEach(pinMap);
})();
