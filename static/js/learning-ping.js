// Module page: tell the server, while the page is visible, that it is still being read (every
// 45 seconds), and that it was hidden (another tab, a closed laptop). Optional: without
// JavaScript, reading time is measured between requests, capped by the idle limit.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.FormData) return;
  var url = script.getAttribute("data-ping-url");
  var token = script.getAttribute("data-csrf");
  var INTERVAL = 45000;
  var timer = null;

  function send(state) {
    var data = new FormData();
    data.append("csrf_token", token);
    data.append("state", state);
    if (state === "hidden" && navigator.sendBeacon) {
      navigator.sendBeacon(url, data);
      return;
    }
    if (window.fetch) {
      fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
        .catch(function () { /* a lost ping only shortens the measured time */ });
    }
  }

  function start() {
    if (timer === null) timer = window.setInterval(function () { send("visible"); }, INTERVAL);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      stop();
      send("hidden");
    } else {
      send("visible");
      start();
    }
  });
  if (document.visibilityState === "visible") start();
})();
