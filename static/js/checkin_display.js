// The check-in display: a countdown to the next code; htmx fetches the new QR when it reaches zero
// (hx-trigger="load delay:Ns" on the fragment). If a fetch fails (weak connection), try again in 3 seconds.
(function () {
  "use strict";
  function tick() {
    var box = document.getElementById("checkin-qr");
    var counter = box && box.querySelector("[data-countdown]");
    if (!counter) return;
    var left = Math.max(0, parseInt(counter.textContent, 10) - 1);
    counter.textContent = String(left);
  }
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "checkin-qr" && !event.detail.successful) {
      setTimeout(function () { if (window.htmx) htmx.trigger(event.detail.elt, "load"); }, 3000);
    }
  });
})();
