/* Lanterne embeds: paste after your <iframe src=".../embed/..."> to make each frame as tall as its content.
   An embed posts {type: "lanterne:height", height} to its parent; we resize the frame that sent it. */
(function () {
  "use strict";
  if (window.lanterneEmbeds) return;
  window.lanterneEmbeds = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "lanterne:height" || typeof data.height !== "number") return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.min(Math.max(data.height, 100), 20000) + "px";
        frames[i].setAttribute("data-lanterne-height", String(data.height));
      }
    }
  });
})();
