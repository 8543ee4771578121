// While an assessment runs (the page says 进行中), ask the server every two seconds whether it has
// finished and then show the page again with the result. Without script the page still works:
// reloading it shows the same.
(function () {
  "use strict";
  var running = document.getElementById("assessment-running");
  if (!running || !window.fetch) { return; }
  function poll() {
    fetch("/office/assessments/status", {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {running: true}; })
      .then(function (state) {
        if (state.running) { window.setTimeout(poll, 2000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
