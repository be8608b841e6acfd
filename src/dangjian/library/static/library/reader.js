/* The online reader: the reading timer and in-place font sizes.
 *
 * Without this script the reader still works (links turn pages, a form changes the font size);
 * only the timer needs it. The timer reports ("beats") while the page is visible and was
 * touched, scrolled or typed on recently; the server measures the time itself, so a beat
 * carries only the page on screen. Settings come from data- attributes (the CSP allows no
 * inline script).
 */
(function () {
  "use strict";

  var reader = document.getElementById("reader");
  if (!reader) {
    return;
  }

  // --- Processing: look again in a while ------------------------------------------------------
  var processing = reader.querySelector("[data-refresh-seconds]");
  if (processing) {
    var wait = parseInt(processing.getAttribute("data-refresh-seconds"), 10) || 10;
    window.setTimeout(function () {
      if (document.visibilityState === "visible") {
        window.location.reload();
      }
    }, wait * 1000);
  }

  // --- Font size: change in place, save in the background --------------------------------------
  var page = document.getElementById("reader-page");
  var fontForm = reader.querySelector(".reader-font-form");
  var sizes = (reader.getAttribute("data-font-sizes") || "")
    .split(",")
    .map(function (value) { return parseInt(value, 10); })
    .filter(function (value) { return !isNaN(value); });

  function setFontSize(size) {
    var current = parseInt(page.getAttribute("data-font-size"), 10);
    page.classList.remove("reader-font-" + current);
    page.classList.add("reader-font-" + size);
    page.setAttribute("data-font-size", String(size));
    var index = sizes.indexOf(size);
    var down = fontForm.querySelector(".reader-font-down");
    var up = fontForm.querySelector(".reader-font-up");
    down.value = String(sizes[Math.max(index - 1, 0)]);
    up.value = String(sizes[Math.min(index + 1, sizes.length - 1)]);
    down.disabled = index <= 0;
    up.disabled = index >= sizes.length - 1;
  }

  if (page && fontForm && sizes.length && window.fetch && window.FormData) {
    fontForm.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=size]");
      if (!button || button.disabled) {
        return;
      }
      event.preventDefault();
      var size = parseInt(button.value, 10);
      var data = new FormData(fontForm);
      data.set("size", String(size));
      setFontSize(size);
      // The form's answer is a redirect back to the reader: not needed here.
      fetch(fontForm.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
        .catch(function () { /* the size shows already; it is remembered next time it saves */ });
    });
  }

  // --- The reading timer ------------------------------------------------------------------------
  var beatUrl = reader.getAttribute("data-beat-url");
  if (!beatUrl || !window.fetch) {
    return;
  }
  var interval = (parseInt(reader.getAttribute("data-beat-interval"), 10) || 20) * 1000;
  var activeWindow = (parseInt(reader.getAttribute("data-active-window"), 10) || 60) * 1000;
  var csrfToken = reader.getAttribute("data-csrf-token") || "";
  var pageNumber = parseInt(reader.getAttribute("data-page"), 10) || 1;
  // Opening the page (a tap on a link) counts as using it.
  var lastActivity = Date.now();
  var stopped = false;

  function touched() {
    lastActivity = Date.now();
  }
  ["scroll", "touchstart", "pointerdown", "keydown", "wheel"].forEach(function (name) {
    window.addEventListener(name, touched, { passive: true, capture: true });
  });

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastActivity < activeWindow;
  }

  function beat() {
    if (stopped || !active()) {
      return;
    }
    fetch(beatUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify({ page: pageNumber }),
    }).then(function (response) {
      // Logged out, out of scope or refused: stop rather than knock every 20 seconds.
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        stopped = true;
      }
      return response;
    }).catch(function () { /* offline for a moment: the next beat tries again */ });
  }

  beat();
  window.setInterval(beat, interval);
  document.addEventListener("visibilitychange", function () {
    // Coming back to the tab after a pause opens a new session on the server by itself.
    if (document.visibilityState === "visible") {
      touched();
    }
  });
})();
