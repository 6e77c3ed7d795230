// Module reader: name the section being read in the sticky bar ("Section 3 of 8: …"), mark it
// in the side contents, draw the scroll progress where CSS cannot (no scroll timeline), and open
// the compact contents when its link is followed. Without JavaScript the bar shows the number
// of sections and the "Contents" link, and the headings are still anchors.
(function () {
  "use strict";
  var label = document.getElementById("reader-section");
  var prose = document.querySelector(".reader-body .prose");
  if (!label || !prose) return;
  var headings = Array.prototype.slice.call(prose.querySelectorAll("h2[id]"));
  if (!headings.length) return;
  var template = label.getAttribute("data-template");
  var intro = label.textContent;
  var bar = document.querySelector(".reader-progress-bar");
  var timeline = window.CSS && CSS.supports && CSS.supports("animation-timeline: scroll()");
  var sideLinks = document.querySelectorAll(".toc-side a");
  var compact = document.getElementById("module-contents");
  var shown = -1;
  var queued = false;

  function current() {
    var offset = 90;  // below the sticky bar
    var index = -1;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top - offset <= 0) index = i;
      else break;
    }
    return index;
  }

  function update() {
    queued = false;
    var index = current();
    if (!timeline && bar) {
      var root = document.documentElement;
      var max = root.scrollHeight - root.clientHeight;
      bar.style.transform = "scaleX(" + (max > 0 ? Math.min(1, root.scrollTop / max) : 0) + ")";
    }
    if (index === shown) return;
    shown = index;
    label.textContent = index < 0 ? intro : template
      .replace("__N__", String(index + 1))
      .replace("__TITLE__", headings[index].textContent.trim());
    var anchor = index < 0 ? "" : "#" + headings[index].id;
    for (var k = 0; k < sideLinks.length; k++) {
      var here = sideLinks[k].getAttribute("href") === anchor;
      sideLinks[k].classList.toggle("is-current", here);
      if (here) sideLinks[k].setAttribute("aria-current", "location");
      else sideLinks[k].removeAttribute("aria-current");
    }
  }

  function queue() {
    if (!queued) { queued = true; window.requestAnimationFrame(update); }
  }

  window.addEventListener("scroll", queue, { passive: true });
  window.addEventListener("resize", queue);
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href="#module-contents"]');
    if (link && compact) compact.open = true;
  });
  update();
})();
