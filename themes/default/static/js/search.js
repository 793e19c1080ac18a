/* The search page. Over http it asks Pagefind (a module, loaded on demand);
   opened from disk (file://), where modules and fetch are blocked, it reads
   our offline index through classic <script> tags. Both engines answer in
   one shape, so the page draws results and facets the same way.
   Everything found is drawn with textContent: no result can inject markup. */
(function () {
  "use strict";
  var N = window.SitegenNormalize;
  var box = document.getElementById("search");
  if (!box || !N) return;
  var T = JSON.parse(document.getElementById("search-strings").textContent);
  var FACETS = ["author", "topic", "year"];
  var PAGE = 10;
  var onDisk = location.protocol === "file:";
  var root = new URL(box.getAttribute("data-root"), location.href);
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var sortSelect = document.getElementById("search-sort");
  var statusLine = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  var more = document.getElementById("search-more");
  var facetsBox = document.getElementById("search-facets");
  var clearButton = document.getElementById("search-clear");
  var digits = box.getAttribute("data-digits") === "arab" ? "٠١٢٣٤٥٦٧٨٩" : "";
  var engine = null;
  var serial = 0;

  function num(n) {
    var s = String(n);
    return digits ? s.replace(/[0-9]/g, function (d) { return digits.charAt(+d); }) : s;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function href(url) {
    var rel = String(url).replace(/^\/+/, "");
    if (onDisk && (rel === "" || rel.slice(-1) === "/")) rel += "index.html";
    return new URL(rel, root).href;
  }

  // Our own excerpt, cut around the first word whose key matches the query's:
  // the offline engine's, and Pagefind's when the match was only in a hidden field.
  function excerpt(text, keys) {
    text = text || "";
    var re = /[\p{L}\p{N}\p{M}\u0640]+/gu, m, spots = [], first = -1, more = false;
    var last = keys[keys.length - 1] || "";
    var prefix = Array.from(last).length >= 2;
    while ((m = re.exec(text))) {
      // The window is full 20 words past the first hit: a long article is not keyed to its end.
      if (first >= 0 && spots.length >= first + 20) { more = true; break; }
      var k = N.key(m[0]);
      var hit = keys.indexOf(k) >= 0 || (prefix && k.lastIndexOf(last, 0) === 0);
      if (hit && first < 0) first = spots.length;
      spots.push([m.index, m.index + m[0].length, hit]);
    }
    var from = Math.max(0, (first < 0 ? 0 : first) - 10), to = Math.min(spots.length, from + 30);
    var parts = [], at = from < spots.length ? spots[from][0] : 0;
    for (var i = from; i < to; i++) {
      if (spots[i][0] > at) parts.push([text.slice(at, spots[i][0]), false]);
      parts.push([text.slice(spots[i][0], spots[i][1]), spots[i][2]]);
      at = spots[i][1];
    }
    if (from > 0) parts.unshift(["… ", false]);
    if (more || to < spots.length) parts.push([" …", false]);
    return parts;
  }

  /* ---- Pagefind, over http ---- */
  function unhide(text) {
    // Display-only meta is stored as Braille patterns (U+2800 + byte) so Pagefind never indexes it.
    if (!text) return {};
    try {
      var bytes = new Uint8Array(Array.from(text, function (c) { return c.codePointAt(0) - 0x2800; }));
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) { return {}; }
  }
  function excerptParts(html) {
    // Pagefind's excerpt is escaped text with <mark>; rebuild it as text, never as markup.
    var parts = [];
    String(html || "").split(/(<mark>|<\/mark>)/).forEach(function (piece) {
      if (piece === "<mark>") parts.marked = true;
      else if (piece === "</mark>") parts.marked = false;
      else if (piece) {
        // A textarea parses its content as text only: entities decode, tags stay text.
        var area = document.createElement("textarea");
        area.innerHTML = piece;
        parts.push([area.value, !!parts.marked]);
      }
    });
    return parts;
  }
  function addCounts(into, counts) {
    Object.keys(counts || {}).forEach(function (f) {
      into[f] = into[f] || {};
      Object.keys(counts[f]).forEach(function (v) { into[f][v] = (into[f][v] || 0) + counts[f][v]; });
    });
    return into;
  }
  // A large archive is indexed in shards, disjoint date ranges listed newest first
  // (pagefind/shards.json); each is its own Pagefind module, and their answers are merged here.
  function pagefindEngine(base) {
    var loading = null;
    function load() {
      // Loading the filters up front makes every search report facet counts.
      if (!loading) loading = fetch(new URL("shards.json", base)).then(function (r) { return r.json(); }).then(function (names) {
        return Promise.all(names.map(function (name) {
          return import(new URL(name + "/pagefind.js", base).href).then(function (pf) {
            return Promise.resolve(pf.filters()).then(function () { return pf; });
          });
        }));
      });
      return loading;
    }
    return {
      search: function (query, filters, sort) {
        var keys = N.queryKeys(query);
        return load().then(function (shards) {
          var wanted = {};
          FACETS.forEach(function (f) { if (filters[f]) wanted[f] = filters[f]; });
          var options = { filters: wanted };
          if (sort === "date") options.sort = { date: "desc" };
          return Promise.all(shards.map(function (pf) { return pf.search(query, options); })).then(function (answers) {
            if (answers.some(function (res) { return !res; })) return null;  // superseded by a newer search
            var results = [].concat.apply([], answers.map(function (res) { return res.results; }));
            // By date, the shards' own orders joined newest shard first are the order; by
            // relevance, scores compare across shards (a stable sort keeps shard order on ties).
            if (sort !== "date") results.sort(function (a, b) { return b.score - a.score; });
            return {
              total: results.length,
              facets: answers.reduce(function (all, res) { return addCounts(all, res.filters); }, {}),
              page: function (from, to) {
                return Promise.all(results.slice(from, to).map(function (r) {
                  return r.data().then(function (d) {
                    var x = unhide(d.meta.x);
                    var parts = excerptParts(d.excerpt);
                    // Matched only through the clitic field (never shown): mark the body's own spelling.
                    if (!parts.some(function (p) { return p[1]; })) parts = excerpt(d.content, keys);
                    return { url: d.url, title: d.meta.title || d.url, date: x.d || "", authors: d.meta.authors || "", parts: parts };
                  });
                }));
              }
            };
          });
        });
      }
    };
  }

  /* ---- Our own index, from disk ---- */
  function offlineEngine(base) {
    var store = { docs: null, shards: {}, frags: {} };
    var loads = {};
    function receive(p) {
      if (p.docs) store.docs = prepare(p);
      else if (p.shard !== undefined) store.shards[p.shard] = p.terms;
      else if (p.doc !== undefined) store.frags[p.doc] = p;
    }
    var early = window.__sitegenSearch || [];
    window.__sitegenSearch = { push: receive };
    Array.prototype.forEach.call(early, receive);

    function script(path) {
      if (!loads[path]) loads[path] = new Promise(function (resolve) {
        var tag = document.createElement("script");
        tag.src = new URL(path, base).href;
        tag.onload = tag.onerror = function () { resolve(); };
        document.head.appendChild(tag);
      });
      return loads[path];
    }
    function ints(text) { return text ? text.split(".").map(function (n) { return parseInt(n, 36); }) : []; }
    function prepare(p) {
      var d = p.docs;
      return { count: d.count, year: d.year, order: d.order, author: d.author.map(ints), topic: d.topic.map(ints),
        authors: p.authors, topics: p.topics, shards: new Set(p.shards), shardChars: p.shardChars,
        docsPerFile: p.docsPerFile };
    }
    function shardOf(term, size) {
      return Array.from(term).slice(0, size).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
    }
    function postings(text, into) {
      var doc = 0;
      text.split(",").forEach(function (item) {
        var dot = item.indexOf(".");
        doc += parseInt(dot < 0 ? item : item.slice(0, dot), 36);
        into.set(doc, (into.get(doc) || 0) + (dot < 0 ? 1 : parseInt(item.slice(dot + 1), 36)));
      });
    }
    function matches(keys) {
      var docs = store.docs;
      var scores = null;
      keys.forEach(function (key, i) {
        var terms = store.shards[shardOf(key, docs.shardChars)] || {};
        var found = new Map();
        // Like Pagefind, the last word also finds longer words it begins (typing as you search).
        var prefix = i === keys.length - 1 && Array.from(key).length >= docs.shardChars;
        if (prefix) Object.keys(terms).forEach(function (t) { if (t.lastIndexOf(key, 0) === 0) postings(terms[t], found); });
        else if (Object.prototype.hasOwnProperty.call(terms, key)) postings(terms[key], found);
        var idf = Math.log(1 + docs.count / Math.max(1, found.size));
        var next = new Map();
        found.forEach(function (w, doc) {
          if (scores && !scores.has(doc)) return;
          next.set(doc, (scores ? scores.get(doc) : 0) + idf * (1 + Math.log(w)));
        });
        scores = next;
      });
      return scores || new Map();
    }
    return {
      search: function (query, filters, sort) {
        var keys = N.queryKeys(query);
        return script("docs.js").then(function () {
          var docs = store.docs;
          if (!docs) throw new Error("offline index missing");
          var names = {};
          keys.forEach(function (k) { var s = shardOf(k, docs.shardChars); if (docs.shards.has(s)) names[s] = 1; });
          return Promise.all(Object.keys(names).map(function (s) { return script("t/" + s + ".js"); }));
        }).then(function () {
          var docs = store.docs;
          var scores = matches(keys);
          var wantAuthor = filters.author ? docs.authors.indexOf(filters.author) : null;
          var wantTopic = filters.topic ? docs.topics.indexOf(filters.topic) : null;
          var hits = [];
          scores.forEach(function (score, doc) {
            if (wantAuthor !== null && docs.author[doc].indexOf(wantAuthor) < 0) return;
            if (wantTopic !== null && docs.topic[doc].indexOf(wantTopic) < 0) return;
            if (filters.year && docs.year[doc] !== filters.year) return;
            hits.push([doc, score]);
          });
          var facets = { author: {}, topic: {}, year: {} };
          hits.forEach(function (h) {
            docs.author[h[0]].forEach(function (a) { var n = docs.authors[a]; facets.author[n] = (facets.author[n] || 0) + 1; });
            docs.topic[h[0]].forEach(function (t) { var n = docs.topics[t]; facets.topic[n] = (facets.topic[n] || 0) + 1; });
            var y = docs.year[h[0]];
            if (y) facets.year[y] = (facets.year[y] || 0) + 1;
          });
          hits.sort(sort === "date"
            ? function (a, b) { return docs.order[b[0]] - docs.order[a[0]] || a[0] - b[0]; }
            : function (a, b) { return b[1] - a[1] || docs.order[b[0]] - docs.order[a[0]] || a[0] - b[0]; });
          return {
            total: hits.length,
            facets: facets,
            page: function (from, to) {
              var slice = hits.slice(from, to);
              var per = store.docs.docsPerFile;
              return Promise.all(slice.map(function (h) { return script("d/" + Math.floor(h[0] / per).toString(36) + ".js"); })).then(function () {
                return slice.map(function (h) {
                  var f = store.frags[h[0]] || { url: "", title: "", authors: [] };
                  return { url: f.url, title: f.title, date: f.date, authors: f.authors.join("، "), lang: f.lang, parts: excerpt(f.text, keys) };
                });
              });
            }
          };
        });
      }
    };
  }

  /* ---- The page ---- */
  function readState() {
    var p = new URLSearchParams(location.search);
    var s = { q: p.get("q") || "", sort: p.get("sort") === "date" ? "date" : "" };
    FACETS.forEach(function (f) { s[f] = p.get(f) || ""; });
    return s;
  }
  function go(s) {
    var p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    FACETS.forEach(function (f) { if (s[f]) p.set(f, s[f]); });
    if (s.sort) p.set("sort", s.sort);
    var url = location.pathname + (p.toString() ? "?" + p.toString() : "");
    try { history.pushState(null, "", url); } catch (e) { /* some file:// setups refuse; the search still runs */ }
    run(s);
  }
  function drawHit(hit) {
    var item = el("li", { "class": "search-hit" });
    var heading = el("h2", { dir: "auto" });
    heading.appendChild(el("a", { href: href(hit.url) }, hit.title));
    item.appendChild(heading);
    var meta = el("p", { "class": "meta" });
    meta.appendChild(el("span", { "class": "date" }, hit.date));
    if (hit.authors) {
      meta.appendChild(el("span", { "class": "sep" }, " · "));
      meta.appendChild(el("bdi", { "class": "authors" }, hit.authors));
    }
    item.appendChild(meta);
    var ex = el("p", { "class": "excerpt", dir: "auto" });
    if (hit.lang) ex.setAttribute("lang", hit.lang);
    hit.parts.forEach(function (part) {
      ex.appendChild(part[1] ? el("mark", {}, part[0]) : document.createTextNode(part[0]));
    });
    item.appendChild(ex);
    return item;
  }
  function drawFacets(s, facets) {
    facetsBox.textContent = "";
    FACETS.forEach(function (f) {
      var counts = facets[f] || {};
      var values = Object.keys(counts).filter(function (v) { return counts[v] > 0 || v === s[f]; });
      if (!values.length) return;
      values.sort(f === "year"
        ? function (a, b) { return b.localeCompare(a); }
        : function (a, b) { return counts[b] - counts[a] || a.localeCompare(b, "ar"); });
      var group = el("fieldset", { "class": "facet", "data-facet": f });
      group.appendChild(el("legend", {}, T[f]));
      var ul = el("ul");
      values.slice(0, 20).forEach(function (v) {
        var li = el("li");
        var b = el("button", { type: "button", "aria-pressed": String(v === s[f]), "data-value": v });
        b.appendChild(el("bdi", {}, f === "year" ? num(v) : v));
        b.appendChild(el("span", { "class": "count" }, " (" + num(counts[v] || 0) + ")"));
        b.addEventListener("click", function () {
          var next = Object.assign({}, s);
          next[f] = v === s[f] ? "" : v;
          go(next);
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      group.appendChild(ul);
      facetsBox.appendChild(group);
    });
  }
  function run(s) {
    var mine = ++serial;
    box.setAttribute("data-state", "busy");
    input.value = s.q;
    sortSelect.value = s.sort;
    clearButton.hidden = !s.q;
    list.textContent = "";
    more.hidden = true;
    facetsBox.textContent = "";
    var query = N.queryText(s.q);
    document.title = (query ? s.q.slice(0, 80) + " · " : "") + box.getAttribute("data-title");
    if (!query) {
      statusLine.textContent = s.q ? T.empty : T.prompt;
      box.setAttribute("data-state", "done");
      return Promise.resolve();
    }
    statusLine.textContent = T.loading;
    return engine.search(query, s, s.sort).then(function (res) {
      if (mine !== serial || !res) return;
      statusLine.textContent = res.total ? fill(T.count, { n: num(res.total), q: s.q.slice(0, 80) }) : fill(T.none, { q: s.q.slice(0, 80) });
      drawFacets(s, res.facets);
      var shown = 0;
      function next() {
        return res.page(shown, shown + PAGE).then(function (hits) {
          if (mine !== serial) return;
          hits.forEach(function (h) { list.appendChild(drawHit(h)); });
          shown += hits.length;
          more.hidden = shown >= res.total;
          more.onclick = next;
        });
      }
      return next();
    }).catch(function (err) {
      if (mine === serial) statusLine.textContent = T.error;
      if (window.console) console.error(err);
    }).then(function () { if (mine === serial) box.setAttribute("data-state", "done"); });
  }

  var offline = offlineEngine(new URL(box.getAttribute("data-offline"), location.href));
  engine = onDisk ? offline : pagefindEngine(new URL(box.getAttribute("data-pagefind"), location.href));
  box.setAttribute("data-engine", onDisk ? "offline" : "pagefind");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    go({ q: input.value, sort: sortSelect.value });
  });
  sortSelect.addEventListener("change", function () {
    var s = readState();
    s.sort = sortSelect.value;
    go(s);
  });
  clearButton.addEventListener("click", function () {
    input.value = "";
    clearButton.hidden = true;
    input.focus();
  });
  input.addEventListener("input", function () { clearButton.hidden = !input.value; });
  window.addEventListener("popstate", function () { run(readState()); });
  // Tests and other scripts may ask which engine answered and wait for it.
  window.sitegenSearch = { run: function (s) { return run(Object.assign(readState(), s)); }, engine: box.getAttribute("data-engine") };
  run(readState());
})();
