/* Lanterne maps: markers from the API URL in data-source (its CSV: the column names once, not on every
   row), clustered; tiles are optional decoration. */
(function () {
  "use strict";
  var box = document.getElementById("carte");
  if (!box || !window.L) return;
  var d = box.dataset;
  var map = L.map(box, { scrollWheelZoom: false }).setView([46.6, 2.4], 6);
  L.tileLayer(d.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(cluster);

  // RFC 4180 as the API writes it: a BOM, CRLF, text always quoted ("" inside), numbers bare.
  function parseCsv(body) {
    var rows = [], row = [], cell = "", quoted = false, i = body.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (; i < body.length; i++) {
      var c = body[i];
      if (quoted) {
        if (c !== '"') cell += c;
        else if (body[i + 1] === '"') { cell += '"'; i++; }
        else quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(cell); cell = ""; }
      else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
      else if (c !== "\r") cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    var names = rows.shift() || [];
    return rows.map(function (cells) {
      var found = {};
      names.forEach(function (name, n) { found[name] = cells[n] === "" ? null : cells[n]; });
      return found;
    });
  }
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

  fetch(d.source).then(function (r) {
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.text();
  }).then(function (body) {
    var markers = [];
    parseCsv(body).forEach(function (row) {
      if (row[d.lat] == null || row[d.lon] == null) return;
      var lat = parseFloat(row[d.lat]), lon = parseFloat(row[d.lon]);
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
