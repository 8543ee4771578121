// The fleet table, kept current by server-sent events (no reloading). Text only, never HTML.
(function () {
  "use strict";
  var table = document.getElementById("fleet");
  if (!table || !window.EventSource) { return; }
  function cell(text, header) {
    var node = document.createElement(header ? "th" : "td");
    if (header) { node.scope = "row"; }
    node.textContent = text === null || text === undefined ? "—" : String(text);
    return node;
  }
  function online(value) { return value === true ? "在线" : value === false ? "离线" : "未见过"; }
  var source = new EventSource(table.dataset.stream);
  source.onmessage = function (event) {
    var rows = JSON.parse(event.data);
    var body = table.tBodies[0];
    body.textContent = "";
    rows.forEach(function (r) {
      var tr = document.createElement("tr");
      tr.dataset.screen = r.screen;
      [cell(r.screen, true), cell(online(r.online)), cell(r.shown), cell(r.latest), cell(r.last_seen),
       cell(r.error || "")].forEach(function (c) { tr.appendChild(c); });
      body.appendChild(tr);
    });
  };
})();
