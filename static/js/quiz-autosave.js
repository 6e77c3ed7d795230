// Quiz attempt page: save the answers a few seconds after a change (the "Save" button does the
// same without JavaScript), say so in the live region, and count the time left down.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var url = form.getAttribute("data-autosave");
  var savedLabel = form.getAttribute("data-saved-label") || "Saved at __TIME__";
  var failedLabel = form.getAttribute("data-failed-label") || "Not saved";
  var DELAY = 3000;
  var timer = null;
  var inFlight = false;
  var pending = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function save() {
    timer = null;
    if (inFlight) { pending = true; return; }
    inFlight = true;
    var data = new URLSearchParams(new FormData(form));
    data.set("action", "save");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (result) {
      if (result.saved) {
        say(savedLabel.replace("__TIME__", result.saved_at));
      } else if (result.result_url) {
        window.location.assign(result.result_url);
      }
    }).catch(function () {
      say(failedLabel);
    }).then(function () {
      inFlight = false;
      if (pending) { pending = false; schedule(); }
    });
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  form.addEventListener("submit", function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
  });

  var clock = document.getElementById("quiz-timer");
  if (clock) {
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    var end = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(s / 60);
      var r = s % 60;
      clock.textContent = m + ":" + (r < 10 ? "0" : "") + r;
      if (s > 0) window.setTimeout(tick, 1000);
    };
    tick();
  }
})();
