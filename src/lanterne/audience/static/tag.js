/*
 * Lanterne audience tag — served by Lanterne, installed by the cinema's tag manager:
 *   <script src="https://LANTERNE/audience/tag.js" data-site="SITE_KEY" data-policy="2026-11" async></script>
 * Consent first: IAB TCF v2.2 (__tcfapi) when the site has it, else Google Consent Mode (dataLayer),
 * else Lanterne's own banner. Without consent for the audience purposes nothing is sent but an
 * anonymous receipt of the refusal, and nothing is written but the choice itself.
 * No external dependency, no form contents, no query string but UTM parameters and click ids.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__lanterneAudience) return;
  window.__lanterneAudience = true;
  var SITE = script.getAttribute("data-site") || "";
  var POLICY = script.getAttribute("data-policy") || "2026-11";
  var POLICY_URL = script.getAttribute("data-policy-url") || "";
  var BASE = new URL(script.src, location.href).origin;
  var ID_COOKIE = "lnt_aid", CHOICE_COOKIE = "lnt_consent";
  var ID_MAX_AGE = 390 * 86400; // under 13 months, set once, never renewed on a visit
  var CHOICE_MAX_AGE = 182 * 86400; // a choice is asked again after 6 months
  var CAMPAIGN = /^(utm_[a-z]+|gclid|gbraid|wbraid|fbclid|msclkid|dclid|ttclid|twclid)$/;
  var MAX_EVENTS = 20, MAX_BYTES = 4000;
  var state = { decided: false, granted: false, share: false, visitor: null, receipt: null };
  var queue = [], timer = null, pending = [];

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return null;
  }
  function writeCookie(name, value, maxAge) {
    document.cookie = name + "=" + encodeURIComponent(value) + "; Max-Age=" + maxAge + "; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function send(path, body) {
    var text = JSON.stringify(body);
    // text/plain keeps the request "simple": no CORS preflight, works from any cinema's domain;
    // keepalive lets the last batch leave while the page unloads.
    var options = { method: "POST", body: text, mode: "no-cors", keepalive: true, credentials: "omit",
      headers: { "Content-Type": "text/plain;charset=UTF-8" } };
    if (window.fetch) { fetch(BASE + path, options).catch(function () {}); return; }
    if (navigator.sendBeacon) navigator.sendBeacon(BASE + path, new Blob([text], { type: "text/plain;charset=UTF-8" }));
  }
  function cleanUrl(href) {
    var url = new URL(href, location.href), keep = new URLSearchParams();
    url.searchParams.forEach(function (value, key) { if (CAMPAIGN.test(key)) keep.append(key, value); });
    var query = keep.toString();
    return url.origin + url.pathname + (query ? "?" + query : "");
  }

  // ---- consent -------------------------------------------------------------------------------------
  function decide(source, granted, share) {
    var previous = readCookie(CHOICE_COOKIE);
    var wanted = (granted ? "g" : "r") + (share ? "s" : "") + ":" + source;
    if (previous && previous.split("|")[0] === wanted) {
      apply(granted, share, previous.split("|")[1]);
      return;
    }
    var receipt = uuid(), purposes = [];
    if (granted) {
      purposes.push("audience");
      if (share) purposes.push("share_with_partners");
    }
    var visitor = granted ? readCookie(ID_COOKIE) || null : null;
    if (granted && !visitor) {
      visitor = uuid();
      writeCookie(ID_COOKIE, visitor, ID_MAX_AGE);
    }
    if (!granted && readCookie(ID_COOKIE)) writeCookie(ID_COOKIE, "", 0); // a withdrawal forgets the id here
    var body = { site: SITE, receipt: receipt, source: source, purposes: purposes, policy: POLICY };
    if (granted) body.visitor = visitor;
    send("/audience/consent", body);
    writeCookie(CHOICE_COOKIE, wanted + "|" + receipt, CHOICE_MAX_AGE);
    apply(granted, share, receipt);
  }
  function apply(granted, share, receipt) {
    state.decided = true;
    state.granted = granted;
    state.share = granted && share;
    state.receipt = granted ? receipt : null;
    state.visitor = granted ? readCookie(ID_COOKIE) : null;
    if (!granted) { queue = []; pending = []; return; }
    if (!state.visitor) { state.visitor = uuid(); writeCookie(ID_COOKIE, state.visitor, ID_MAX_AGE); }
    var waiting = pending; pending = [];
    waiting.forEach(function (event) { enqueue(event); });
  }
  function fromTcf() {
    window.__tcfapi("addEventListener", 2, function (tcData, ok) {
      if (!ok || !tcData || (tcData.eventStatus !== "tcloaded" && tcData.eventStatus !== "useractioncomplete")) return;
      var c = (tcData.purpose && tcData.purpose.consents) || {};
      decide("tcf", !!(c[1] && c[3] && c[4]), false); // store, build a profile, use it for ads
    });
  }
  function consentModeState() {
    var layer = window.dataLayer, found = null;
    for (var i = 0; layer && i < layer.length; i++) {
      var entry = layer[i];
      if (entry && entry[0] === "consent" && (entry[1] === "default" || entry[1] === "update") && entry[2]) {
        found = Object.assign({}, found || {}, entry[2]);
      }
    }
    return found;
  }
  function fromConsentMode() {
    var check = function () {
      var cm = consentModeState();
      if (!cm) return;
      decide("gcm", cm.ad_storage === "granted" && cm.ad_user_data === "granted" &&
        cm.ad_personalization === "granted", false);
    };
    check();
    var push = window.dataLayer.push.bind(window.dataLayer);
    window.dataLayer.push = function () { var r = push.apply(null, arguments); check(); return r; };
  }
  function banner() {
    var previous = readCookie(CHOICE_COOKIE);
    if (previous) {
      var kind = previous.split("|")[0];
      apply(kind.charAt(0) === "g", kind.indexOf("gs") === 0, previous.split("|")[1]);
      return;
    }
    var box = document.createElement("div");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", "Votre consentement");
    box.id = "lanterne-consent";
    box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:2147483647;background:#fff;" +
      "color:#111;border:2px solid #111;padding:1rem;font:15px/1.4 sans-serif;max-width:40rem;margin:auto";
    var text = document.createElement("p");
    text.style.margin = "0 0 .75rem";
    text.textContent = "Avec votre accord, ce cinéma et l'Union des cinémas indépendants mesurent les visites " +
      "pour faire connaître les films Art et Essai auprès de spectateurs comme vous. Vous pouvez refuser : " +
      "le site fonctionne de la même façon.";
    box.appendChild(text);
    if (POLICY_URL) {
      var link = document.createElement("a");
      link.href = POLICY_URL; link.textContent = "En savoir plus";
      box.appendChild(link);
    }
    [["Refuser", false], ["Accepter", true]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button"; button.textContent = choice[0];
      button.style.cssText = "margin:.5rem .5rem 0 0;padding:.5rem 1rem;font:inherit;border:2px solid #111;" +
        "background:" + (choice[1] ? "#111;color:#fff" : "#fff;color:#111");
      button.addEventListener("click", function () { box.remove(); decide("banner", choice[1], false); });
      box.appendChild(button);
    });
    (document.body || document.documentElement).appendChild(box);
  }

  // ---- events --------------------------------------------------------------------------------------
  function track(type, details) {
    var event = { id: uuid(), type: type, ts: Date.now(), url: cleanUrl(location.href) };
    if (details && typeof details.film === "number") event.film = details.film;
    if (!state.granted) { if (!state.decided) pending.push({ event: event, details: details }); return; }
    enqueue({ event: event, details: details });
  }
  function enqueue(item) {
    var event = item.event, details = item.details || {};
    if (event.type === "booking_completed" && state.share && (details.email || details.phone)) {
      hashContacts(details).then(function (hashes) { Object.assign(event, hashes); push(event); });
      return;
    }
    push(event);
  }
  function push(event) {
    queue.push(event);
    if (queue.length >= MAX_EVENTS) flush();
    else if (!timer) timer = setTimeout(flush, 2000);
  }
  function flush() {
    clearTimeout(timer); timer = null;
    while (queue.length && state.granted) {
      var batch = queue.splice(0, MAX_EVENTS);
      var body = { site: SITE, receipt: state.receipt, visitor: state.visitor, events: batch,
        wd: navigator.webdriver === true };
      while (batch.length > 1 && JSON.stringify(body).length > MAX_BYTES) queue.unshift(batch.pop());
      send("/audience/collect", body);
    }
  }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function sha256(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(hex);
  }
  function e164(phone) {
    var digits = String(phone).replace(/[^\d+]/g, "");
    if (digits.indexOf("00") === 0) return "+" + digits.slice(2);
    if (digits.charAt(0) === "0") return "+33" + digits.slice(1);
    return digits.charAt(0) === "+" ? digits : "+33" + digits;
  }
  function hashContacts(details) {
    var jobs = [], out = {};
    if (details.email) jobs.push(sha256(String(details.email).trim().toLowerCase()).then(function (h) { out.email_sha256 = h; }));
    if (details.phone) jobs.push(sha256(e164(details.phone)).then(function (h) { out.phone_sha256 = h; }));
    return Promise.all(jobs).then(function () { return out; });
  }

  window.lanterne = {
    track: track,
    // Ticketing asks explicitly, at purchase, whether the buyer accepts sharing with partners.
    shareWithPartners: function (yes) { decide("ticketing", true, !!yes); },
    forget: function () {
      var visitor = readCookie(ID_COOKIE);
      if (visitor) send("/audience/forget", { site: SITE, visitor: visitor });
      writeCookie(ID_COOKIE, "", 0);
      decide("banner", false, false);
    },
  };

  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });
  window.addEventListener("pagehide", flush);
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest && event.target.closest("[data-lanterne-booking]");
    if (target) track("booking_started");
  });

  if (typeof window.__tcfapi === "function") fromTcf();
  else if (Array.isArray(window.dataLayer) && consentModeState()) fromConsentMode();
  else if (document.body) banner();
  else document.addEventListener("DOMContentLoaded", banner);

  track("page_view");
  var film = document.querySelector('meta[name="lanterne:film"]');
  if (film && /^\d+$/.test(film.content)) track("film_page", { film: parseInt(film.content, 10) });
})();
