// The trainer's roster on a tablet with a weak connection.
// Each tap is one small htmx POST (the server keeps the last mark: sending again is harmless). A tap that does not
// reach the server is kept in localStorage (the last status per person), shown as "not saved", and sent again when
// the browser is back online, every 20 seconds, on "Send now", and after a reload.
(function () {
  "use strict";
  var list = document.querySelector("[data-roster]");
  if (!list) return;
  var text = JSON.parse(document.getElementById("roster-text").textContent);
  var key = "mahatat.roster." + list.dataset.session;
  var banner = document.getElementById("roster-queue");

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(queue) {
    try { localStorage.setItem(key, JSON.stringify(queue)); } catch (e) { /* private mode: the page keeps it */ }
    memory = queue;
    var count = Object.keys(queue).length;
    banner.classList.toggle("d-none", count === 0);
    banner.querySelector("[data-queue-text]").textContent = text.queued.replace("%(count)s", count);
  }
  var memory = load();

  function row(id) { return document.getElementById("roster-row-" + id); }
  function setState(el, state, message, withRetry) {
    el.dataset.state = state;
    var box = el.querySelector(".roster-state");
    box.textContent = "";
    var span = document.createElement("span");
    span.className = "roster-state-" + state;
    span.textContent = message;
    box.appendChild(span);
    if (withRetry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-danger ms-2";
      button.textContent = text.retry;
      button.addEventListener("click", flush);
      box.appendChild(button);
    }
  }
  function showChoice(el, status) {
    el.querySelectorAll(".roster-btn").forEach(function (b) {
      b.setAttribute("aria-pressed", b.value === status ? "true" : "false");
    });
  }
  function statusOf(detail) {
    var p = detail.requestConfig && detail.requestConfig.parameters;
    return (p && (p.get ? p.get("status") : p.status)) || "";
  }

  // A tap: show the choice at once, and "saving…".
  list.addEventListener("click", function (event) {
    var button = event.target.closest(".roster-btn");
    if (!button) return;
    var el = button.closest(".roster-row");
    el.dataset.pending = button.value;
    showChoice(el, button.value);
    setState(el, "saving", text.saving, false);
  });

  // A refusal (422) carries the row with its message: show it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    // After a swap htmx reports the event on a parent of the replaced row: find the row by the request's URL.
    var form = event.detail.elt;
    var path = (event.detail.pathInfo && event.detail.pathInfo.requestPath) ||
      (event.detail.requestConfig && event.detail.requestConfig.path) || "";
    var el = (form && form.closest && form.closest(".roster-row")) ||
      list.querySelector('.roster-row[data-url="' + path.split("?")[0] + '"]');
    if (!el) return;
    var id = el.dataset.enrolment;
    var status = statusOf(event.detail);
    var xhr = event.detail.xhr;
    var queue = load();
    if (xhr && xhr.status >= 200 && xhr.status < 500) {
      // Answered (saved, or refused for a reason a retry cannot fix): nothing to resend, unless a newer tap waits.
      if (queue[id] && queue[id].status === status) { delete queue[id]; store(queue); }
      if (xhr.status >= 400 && xhr.status !== 422) {
        var current = row(id);
        if (current) setState(current, "error", text.refused, false);
      }
      return;
    }
    // No answer (offline, timeout, server error): keep the latest tap for this person.
    var latest = el.dataset.pending || status;
    if (latest && latest !== status) return; // an older tap; the newer one has its own request
    queue[id] = { status: status, url: el.dataset.url, at: Date.now() };
    store(queue);
    setState(el, "failed", text.failed, true);
  });

  var flushing = false;
  function flush() {
    if (flushing || !window.htmx) return;
    var queue = load();
    var ids = Object.keys(queue);
    if (!ids.length) return;
    flushing = true;
    var pending = ids.map(function (id) {
      var el = row(id);
      if (!el) { delete queue[id]; return Promise.resolve(); }
      el.dataset.pending = queue[id].status;
      showChoice(el, queue[id].status);
      setState(el, "saving", text.saving, false);
      return htmx.ajax("POST", queue[id].url, {
        source: el.querySelector("form"),
        target: el,
        swap: "outerHTML",
        values: { status: queue[id].status },
      }).catch(function () {});
    });
    store(queue);
    Promise.all(pending).then(function () { flushing = false; });
  }

  // After a reload: show the taps still waiting, then send them.
  Object.keys(memory).forEach(function (id) {
    var el = row(id);
    if (el) { showChoice(el, memory[id].status); setState(el, "failed", text.failed, true); }
  });
  store(memory);
  window.addEventListener("online", flush);
  banner.querySelector("[data-queue-retry]").addEventListener("click", flush);
  setInterval(function () { if (navigator.onLine !== false) flush(); }, 20000);
  document.addEventListener("DOMContentLoaded", function () { setTimeout(flush, 500); });
  if (document.readyState !== "loading") setTimeout(flush, 500);
})();
