/* 网上公开专栏: search without a server, and the large-text mode. No framework, no network but
   this site's own files. The matching rules are the kiosk's (signage/text/search.py): every
   character is stored with its forms (itself, each pinyin reading); a query matches where
   consecutive characters each give a prefix of one of their forms. Pages work without this. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var html = document.documentElement;

  function largeMode() {
    var button = document.querySelector(".large-toggle");
    var stored = null;
    try { stored = window.localStorage.getItem("site-large"); } catch (e) { stored = null; }
    if (stored === "1") { html.classList.add("large"); }
    if (!button) { return; }
    button.hidden = false;
    button.setAttribute("aria-pressed", html.classList.contains("large") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = html.classList.toggle("large");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      try { window.localStorage.setItem("site-large", on ? "1" : "0"); } catch (e) { /* private mode */ }
    });
  }

  function getJSON(path) {
    return fetch(root + path).then(function (r) {
      if (!r.ok) { throw new Error(path + ": " + r.status); }
      return r.json();
    });
  }

  function normalise(text) {
    var runs = text.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu);
    return runs ? runs.join("") : "";
  }

  function escapeRe(ch) { return ch.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }

  function Index(manifest, glyphs, shards) {
    this.join = manifest.join;
    this.fields = manifest.fields;
    this.scores = manifest.scores;
    this.codes = manifest.codes;
    this.docs = [];
    this.parts = [];  // per text: [field, [doc numbers], chars]
    this.starts = [];
    var out = [], size = 0, self = this;
    shards.forEach(function (shard) {
      var base = self.docs.length;
      shard.docs.forEach(function (d) { self.docs.push(d); });
      shard.texts.forEach(function (t) {
        var chars = Array.from(t[1]), places = t[2], encoded = "";
        for (var i = 0; i < chars.length; i++) {
          var p = places.charAt(i);
          encoded += (p === "0" ? "\x05" : p === "1" ? "\x04" : "") + "\x01" + (glyphs[chars[i]] || chars[i]);
        }
        encoded += "\x00";
        self.starts.push(size);
        self.parts.push([t[0], t[3].map(function (n) { return n + base; }), t[1]]);
        out.push(encoded);
        size += encoded.length;
      });
    });
    this.corpus = out.join("");
  }

  Index.prototype.textAt = function (position) {
    var lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= position) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  };

  Index.prototype.search = function (query, limit) {
    var text = normalise(query);
    var best = new Map();
    if (!text) { return []; }
    var self = this;
    function offer(doc, score) {
      var old = best.get(doc);
      if (old === undefined || old < score) { best.set(doc, score); }
    }
    var chars = Array.from(text);
    var re = new RegExp("(?<=[\\x01\\x02])" + chars.map(escapeRe).join(this.join), "g");
    var match;
    while ((match = re.exec(this.corpus)) !== null) {
      var t = this.textAt(match.index), part = this.parts[t], field = this.fields[part[0]];
      var mark = this.corpus.lastIndexOf("\x01", match.index);
      var before = this.corpus.charAt(mark - 1);
      var place = before === "\x05" ? 0 : before === "\x04" ? 1 : 2;
      var score = this.scores[field][place];
      if (this.codes.indexOf(field) >= 0 && part[2] === text) { score = 100; }
      part[1].forEach(function (doc) { offer(doc, score); });
      re.lastIndex = t + 1 < this.starts.length ? this.starts[t + 1] : this.corpus.length;
    }
    var hits = Array.from(best.entries());
    hits.sort(function (a, b) {
      return (b[1] - a[1]) || (self.docs[a[0]][3] - self.docs[b[0]][3]) || (a[0] - b[0]);
    });
    return hits.slice(0, limit).map(function (h) {
      var d = self.docs[h[0]];
      return {path: d[0], title: d[1], label: d[2], score: h[1]};
    });
  };

  function show(results, hits, query) {
    results.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = hits.length ? "“" + query + "”的搜索结果（前 " + hits.length + " 条）"
      : "没有找到“" + query + "”";
    results.appendChild(heading);
    var list = document.createElement("ol");
    list.className = "hits";
    hits.forEach(function (hit) {
      var item = document.createElement("li"), link = document.createElement("a"), note = document.createElement("span");
      link.href = root + hit.path;
      link.textContent = hit.title;
      note.className = "muted";
      note.textContent = " " + hit.label;
      item.appendChild(link);
      item.appendChild(note);
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  function searchPage() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    var input = document.getElementById("q");
    var fallback = document.getElementById("search-fallback");
    results.textContent = "正在载入索引…";
    getJSON("search/index.json").then(function (manifest) {
      return Promise.all([getJSON(manifest.glyphs)].concat(manifest.shards.map(getJSON))).then(function (all) {
        return new Index(manifest, all[0], all.slice(1));
      });
    }).then(function (index) {
      window.siteSearch = function (q, limit) { return index.search(q, limit || 50); };
      fallback.hidden = true;
      var run = function () {
        var q = input.value.trim();
        if (q) { show(results, index.search(q, 50), q); } else { results.textContent = ""; }
      };
      input.value = new URLSearchParams(window.location.search).get("q") || "";
      input.addEventListener("input", run);
      input.form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
      run();
      document.body.setAttribute("data-search-ready", "1");
    }).catch(function (error) {
      results.textContent = "搜索索引无法载入（" + error.message + "），请按单位浏览。";
    });
  }

  largeMode();
  searchPage();
}());
