// Quiz attempt and review pages: count the time left down (the server enforces it), keep the
// "answered x of n" of the sticky bar live, and save the answers a few seconds after a change
// (the "Save" and step buttons do the same without JavaScript), saying so in the live region.
(function () {
  "use strict";
  var clock = document.getElementById("quiz-timer");
  if (clock) {
    var left = parseInt(clock.getAttribute("data-seconds-left"), 10);
    var end = Date.now() + left * 1000;
    var upLabel = clock.getAttribute("data-up-label");
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      var m = Math.floor(s / 60);
      var r = s % 60;
      clock.textContent = m + ":" + (r < 10 ? "0" : "") + r + (s === 0 && upLabel ? " — " + upLabel : "");
      if (s > 0) window.setTimeout(tick, 1000);
    };
    tick();
  }

  var form = document.getElementById("quiz-form");
  var counter = document.getElementById("quiz-answered");

  // The server's rule (quizzes.steps.is_answered): a matching question counts once every item
  // has its match, an ordering once every item has a position of its own; any other question
  // once one of its fields is filled.
  function answered(question) {
    var kind = question.getAttribute("data-question");
    if (kind === "matching" || kind === "ordering") {
      var selects = question.querySelectorAll("select");
      var seen = {};
      for (var j = 0; j < selects.length; j++) {
        var value = selects[j].value;
        if (value === "" || (kind === "ordering" && seen[value])) return false;
        seen[value] = true;
      }
      return selects.length > 0;
    }
    var fields = question.querySelectorAll("input, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) return true;
      } else if (field.type !== "hidden" && field.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function count() {
    if (!counter || !form) return;
    var questions = form.querySelectorAll("[data-question]");
    var n = 0;
    for (var i = 0; i < questions.length; i++) if (answered(questions[i])) n++;
    counter.textContent = counter.getAttribute("data-template").replace("__N__", String(n));
  }

  if (form) {
    form.addEventListener("change", count);
    form.addEventListener("input", count);
    count(); // answers given before this deferred script ran (a slow phone) count too
  }
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

  // A field that differs from what the server sent was changed before this script ran.
  function changedBeforeLoad() {
    var fields = form.elements;
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) return true;
      } else if (field.tagName === "SELECT") {
        var sent = 0; // with no option marked selected, a select shows its first
        for (var k = 0; k < field.options.length; k++) {
          if (field.options[k].defaultSelected) { sent = k; break; }
        }
        if (field.selectedIndex !== sent) return true;
      } else if (field.type !== "hidden" && "defaultValue" in field && field.value !== field.defaultValue) {
        return true;
      }
    }
    return false;
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  form.addEventListener("submit", function () {
    if (timer) { window.clearTimeout(timer); timer = null; }
  });
  if (changedBeforeLoad()) schedule();

})();
