/* Lanterne maps: markers from the API URL in data-source, clustered; tiles are optional decoration. */
(function () {
  "use strict";
  var box = document.getElementById("carte");
  if (!box || !window.L) return;
  var d = box.dataset;
  var map = L.map(box, { scrollWheelZoom: false }).setView([46.6, 2.4], 6);
  L.tileLayer(d.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(cluster);

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }
  function link(row) {
    return d.link ? d.link.replace(/\{([^}]+)\}/g, function (_, name) { return encodeURIComponent(row[name]); }) : null;
  }
  function popup(row) {
    var root = document.createElement("div");
    var href = link(row);
    var title = href ? document.createElement("a") : document.createElement("strong");
    title.textContent = row[d.label] || "";
    if (href) title.href = href;
    root.appendChild(title);
    var details = d.detail ? d.detail.split(",").map(function (n) { return row[n]; }).filter(Boolean) : [];
    if (details.length) root.appendChild(text("div", details.join(" · "), "muted"));
    return root;
  }
  // A cinema's next showtimes, asked from the programme API when its popup opens.
  function showtimes(row, root) {
    var now = new Date().toISOString().slice(0, 19) + "Z";
    var url = d.showtimes + "?cineid_eq=" + row.cineid + "&showstart_gte=" + now +
      "&sort=showstart&size=5&select=showstart,filmtitle,filmversion&count=false";
    fetch(url).then(function (r) { return r.json(); }).then(function (answer) {
      var list = document.createElement("ul");
      list.className = "popup-times";
      answer.results.forEach(function (s) {
        var when = new Date(s.showstart).toLocaleString("fr-FR", { weekday: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
        list.appendChild(text("li", when + " — " + s.filmtitle + (s.filmversion ? " (" + s.filmversion + ")" : "")));
      });
      root.appendChild(answer.results.length ? list : text("div", "Aucune séance publiée à venir.", "muted"));
    }).catch(function () { root.appendChild(text("div", "Séances indisponibles.", "muted")); });
  }

  fetch(d.source).then(function (r) { return r.json(); }).then(function (answer) {
    var markers = [];
    answer.results.forEach(function (row) {
      var lat = row[d.lat], lon = row[d.lon];
      if (lat == null || lon == null) return;
      var marker = L.marker([lat, lon], { title: row[d.label] || "", alt: row[d.label] || "", keyboard: true });
      marker.bindPopup(function () {
        var root = popup(row);
        if (d.showtimes) showtimes(row, root);
        return root;
      });
      markers.push(marker);
    });
    cluster.addLayers(markers);
    box.setAttribute("data-markers", String(markers.length));
    if (markers.length) map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 13 });
  }).catch(function () {
    box.setAttribute("data-markers", "error");
  });
})();
