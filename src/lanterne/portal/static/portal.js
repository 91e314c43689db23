/* Lanterne portal: small enhancements over pages that work without JavaScript. */
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");
  document.body.classList.add("has-js");

  // Forms post to tidy URLs in the API's vocabulary: no empty fields, the columns in one `select`.
  document.querySelectorAll("form[data-tidy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams();
      var chosen = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value !== "string" || value.trim() === "") return;
        if (name === "select") chosen.push(value); else params.append(name, value);
      });
      if (chosen.length) params.append("select", chosen.join(","));
      var query = params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":");
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  });

  // Change a menu or a checkbox of the table's header: search again at once.
  document.querySelectorAll(".table-form .filters select, .table-form #size").forEach(function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      field.select();
      if (navigator.clipboard) navigator.clipboard.writeText(field.value);
      button.textContent = "Copié";
    });
  });

  // "Utiliser ma position": the browser's position fills the film page's form.
  document.querySelectorAll("[data-locate]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!navigator.geolocation) return;
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.form;
        form.querySelector("[data-geo=lat]").value = position.coords.latitude.toFixed(4);
        form.querySelector("[data-geo=lon]").value = position.coords.longitude.toFixed(4);
        form.querySelector("[name=cp]").value = "";
        form.submit();
      });
    });
  });

  // In an iframe: tell the parent page our height, now and whenever it changes (see embed.js).
  if (window.parent !== window && document.body.classList.contains("embed")) {
    var last = 0;
    var report = function () {
      var height = Math.ceil(document.documentElement.scrollHeight);
      if (height === last) return;
      last = height;
      window.parent.postMessage({ type: "lanterne:height", height: height, href: location.href }, "*");
    };
    if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
    window.addEventListener("load", report);
    report();
  }
})();
