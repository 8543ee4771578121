// Live check of a record form (power item, notice, announcement): posts the form (with its CSRF token) to the check endpoint
// a moment after the clerk stops typing and lists the findings. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("power-form") || document.getElementById("record-form");
  var live = document.getElementById("live");
  if (!form || !live || !window.fetch) { return; }
  var timer = null;
  var sequence = 0;
  function show(findings) {
    live.textContent = "";
    if (!findings.length) {
      var ok = document.createElement("p");
      ok.className = "ok";
      ok.textContent = "没有发现问题（尚未保存）。";
      live.appendChild(ok);
      return;
    }
    var list = document.createElement("ul");
    list.className = "findings";
    findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = f.severity;
      item.textContent = f.rule + " " + (f.field ? f.field + " " : "") + f.message +
        (f.advice ? "　整改意见：" + f.advice : "");
      list.appendChild(item);
    });
    live.appendChild(list);
  }
  function check() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.delete("flowchart_image");  // uploads are checked when saved, not sent on every keystroke
    data.delete("attachment_file");
    fetch(live.dataset.url, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (mine === sequence && data.findings) { show(data.findings); } })
      .catch(function () { /* the saved form is checked anyway */ });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
