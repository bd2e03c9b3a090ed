/* Playbook search: runs in the browser over window.PLAYBOOK_SEARCH (search-index.js), so it
   works offline and from file://, with no request anywhere.

   - Reads ?q=, fills #search-input, lists matches in #search-results; updates as you type.
   - Case- and accent-insensitive; every term must match somewhere in a result.
   - Ranking: a term found in the name counts most, then in people, then tags, then notes.
   - Text from the index only ever reaches the page through textContent / text nodes.
   - A large playbook's index comes in pieces (playbook/outputs/search_shards.py): the words'
     shards and then the likeliest customers' entries are loaded by <script> tags as a query
     needs them, and words are found from their start. */
(function () {
  "use strict";

  var LIMIT = 50;
  var WEIGHTS = [1000, 100, 10, 1]; // name, people, tags, notes
  var TYPE_ORDER = { c: 0, p: 1, i: 2 };
  var TYPE_LABELS = { c: "Customer", p: "Contact", i: "Interaction" };
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  /** Lower case, accents off, typographic quotes as plain ones. */
  function fold(s) {
    if (!s) return "";
    if (/[^\x00-\x7f]/.test(s)) {
      s = s.normalize("NFD").replace(MARKS, "").replace(/[\u2018\u2019\u02bc]/g, "'")
        .replace(/[\u201c\u201d]/g, '"');
    }
    return s.toLowerCase();
  }

  /** fold() with, for each folded character, the index of the original one it came from. */
  function foldWithMap(s) {
    var out = "", map = [];
    for (var i = 0; i < s.length; i++) {
      var f = fold(s.charAt(i));
      for (var k = 0; k < f.length; k++) { out += f.charAt(k); map.push(i); }
    }
    map.push(s.length);
    return { text: out, map: map };
  }

  function niceDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
    return m ? (+m[3]) + " " + MONTHS[+m[2] - 1] + " " + m[1] : (iso || "");
  }

  /** The prefix that leads from this page to the site root, read off the index's own <script src>. */
  function rootPrefix() {
    var scripts = document.getElementsByTagName("script");
    for (var i = 0; i < scripts.length; i++) {
      var src = scripts[i].getAttribute("src") || "";
      var at = src.lastIndexOf("search-index.js");
      if (at >= 0 && at + "search-index.js".length === src.length) return src.slice(0, at);
    }
    return "";
  }

  /** Flatten the nested index (see playbook/outputs/search.py) into records. Each record
      keeps one folded haystack: name, people, tags and notes joined by \u0001, with the
      offsets where each part ends, so one indexOf per term finds the best field. */
  function records(data, prefix) {
    var out = [];
    function add(type, title, url, context, people, tags, text) {
      var parts = [fold(title), fold(people), fold(tags), fold(text)];
      var ends = [], at = 0;
      for (var f = 0; f < 4; f++) { at += parts[f].length; ends.push(at); at += 1; }
      out.push({
        type: type, title: title || "", url: prefix + url, context: context || "", text: text || "",
        hay: parts.join("\u0001"), ends: ends
      });
    }
    for (var n = 0; n < data.length; n++) {
      var c = data[n];
      var slug = c[0], name = c[1] || "", page = "customers/" + slug + "/index.html";
      add("c", name, page, c[2], c[3], c[4], c[5]);
      var contacts = c[6] || [];
      for (var j = 0; j < contacts.length; j++) {
        var p = contacts[j]; // [anchor, name, role, extra, text]
        add("p", p[1], page + "#" + p[0], (p[2] ? p[2] + " — " : "") + name, "",
            [p[2], name, p[3]].join(" "), p[4]);
      }
      var items = c[7] || [];
      for (var k = 0; k < items.length; k++) {
        var it = items[k]; // [anchor, summary, date, type, with, by, text]
        add("i", it[1], page + "#" + it[0], [name, niceDate(it[2]), it[3]].join(" · "), it[4],
            [name, it[3], it[5], it[2]].join(" "), it[6]);
      }
    }
    return out;
  }

  /** Folded terms, longest first: the rarest usually, so a record fails fast. */
  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 0; })
      .sort(function (a, b) { return b.length - a.length; });
  }

  function wordStart(hay, at) {
    return at === 0 || !/[0-9a-z]/.test(hay.charAt(at - 1));
  }

  /** Score of a record for all terms, or -1 when a term is found nowhere. The first hit of a
      term is in its best field, since the fields are joined in rank order. */
  function score(rec, ts, exact) {
    var total = 0, hay = rec.hay;
    for (var t = 0; t < ts.length; t++) {
      var at = hay.indexOf(ts[t]);
      if (at < 0) return -1;
      var f = 0;
      while (f < 3 && at > rec.ends[f]) f++;
      total += WEIGHTS[f] * (wordStart(hay, at) ? 2 : 1);
    }
    if (rec.ends[0] === exact.length && hay.lastIndexOf(exact, 0) === 0) total += 5000; // the exact name
    return total;
  }

  /** Matches, best first. `within` (the hits of a query this one extends) narrows the scan. */
  function search(all, query, within) {
    var ts = terms(query);
    if (!ts.length) return [];
    var exact = fold(query).trim().split(/\s+/).join(" ");
    var pool = within || all.map(function (rec, i) { return { rec: rec, order: i }; });
    var hits = [];
    for (var i = 0; i < pool.length; i++) {
      var s = score(pool[i].rec, ts, exact);
      if (s >= 0) hits.push({ rec: pool[i].rec, score: s, order: pool[i].order });
    }
    hits.sort(function (a, b) {
      return (b.score - a.score) || (TYPE_ORDER[a.rec.type] - TYPE_ORDER[b.rec.type]) || (a.order - b.order);
    });
    return hits;
  }

  /** Append `text` to `el`, wrapping matches of the terms in <mark>: text nodes only. */
  function highlight(el, text, ts) {
    var folded = foldWithMap(text), spans = [];
    ts.forEach(function (t) {
      var from = 0, at;
      while (t && (at = folded.text.indexOf(t, from)) >= 0) {
        spans.push([folded.map[at], folded.map[at + t.length]]);
        from = at + t.length;
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    spans.forEach(function (s) {
      if (s[0] < pos) return;
      if (s[0] > pos) el.appendChild(document.createTextNode(text.slice(pos, s[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s[0], s[1]);
      el.appendChild(mark);
      pos = s[1];
    });
    if (pos < text.length) el.appendChild(document.createTextNode(text.slice(pos)));
  }

  /** A piece of the notes around the first term found in them, or "" when none is. */
  function snippet(text, ts) {
    if (!text) return "";
    var folded = foldWithMap(text), first = -1;
    ts.forEach(function (t) {
      var at = folded.text.indexOf(t);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    if (first < 0) return "";
    var at = folded.map[first];
    var start = Math.max(0, at - 60), end = Math.min(text.length, at + 160);
    if (start > 0) { var sp = text.indexOf(" ", start); if (sp >= 0 && sp < at) start = sp + 1; }
    if (end < text.length) { var sp2 = text.lastIndexOf(" ", end); if (sp2 > at) end = sp2; }
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function render(list, status, hits, query, note) {
    var ts = terms(query);
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!ts.length) { status.textContent = "Type a name, a tag or a few words from the notes."; return; }
    if (!hits.length) { status.textContent = note || "Nothing matches “" + query.trim() + "”."; return; }
    status.textContent = note || (hits.length === 1 ? "1 result." :
      hits.length > LIMIT ? hits.length + " results; the best " + LIMIT + " are shown." : hits.length + " results.");
    hits.slice(0, LIMIT).forEach(function (h) {
      var r = h.rec;
      var li = document.createElement("li");
      li.className = "search-result search-" + r.type;
      var label = document.createElement("span");
      label.className = "search-type";
      label.textContent = TYPE_LABELS[r.type] || "";
      var a = document.createElement("a");
      a.setAttribute("href", r.url);
      highlight(a, r.title, ts);
      var head = document.createElement("p");
      head.className = "search-title";
      head.appendChild(label);
      head.appendChild(document.createTextNode(" "));
      head.appendChild(a);
      li.appendChild(head);
      if (r.context) {
        var ctx = document.createElement("p");
        ctx.className = "search-context muted";
        ctx.textContent = r.context;
        li.appendChild(ctx);
      }
      var snip = snippet(r.text, ts);
      if (snip) {
        var p = document.createElement("p");
        p.className = "search-snippet";
        highlight(p, snip, ts);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
  }

  // -- the index in pieces ---------------------------------------------------------------

  var BATCH = 12;      // customers' entries loaded at a time
  var MAX_DOCS = 60;   // and at most this many for one query (about 0.5 MB at 20 notes each)
  var loaded = {};     // url -> true once its script ran (or failed)
  var waiting = {};    // url -> callbacks
  var shardText = {}, docEntry = {};
  window.PLAYBOOK_SEARCH_SHARD = function (key, text) { shardText[key] = text; };
  window.PLAYBOOK_SEARCH_DOC = function (slug, entry) { docEntry[slug] = entry; };

  /** Run `done` once every script in `urls` has loaded (or failed to). */
  function loadAll(urls, done) {
    var left = 0;
    function one() { left -= 1; if (left === 0) done(); }
    urls.forEach(function (url) {
      if (loaded[url]) return;
      left += 1;
      if (waiting[url]) { waiting[url].push(one); return; }
      waiting[url] = [one];
      var s = document.createElement("script");
      s.src = url;
      s.onload = s.onerror = function () {
        loaded[url] = true;
        var cbs = waiting[url];
        waiting[url] = null;
        cbs.forEach(function (cb) { cb(); });
      };
      document.head.appendChild(s);
    });
    if (left === 0) done();
  }

  /** The words of a folded text, as search_shards.py splits them. */
  function words(s) { return s.match(/[\p{L}\p{N}]+/gu) || []; }

  /** search_shards.shard_key: the first `depth` characters (code points), each outside a-z
      and 0-9 as "_", and "-" after a word shorter than that. */
  function shardKey(word, depth) {
    var chars = Array.from(word);
    return chars.slice(0, depth || 2).map(function (c) { return /^[a-z0-9]$/.test(c) ? c : "_"; }).join("") +
      (chars.length < (depth || 2) ? "-" : "");
  }

  function Pieces(manifest, prefix) {
    this.slugs = manifest.customers;
    this.prefix = prefix;
    this.has = {};
    this.keys = manifest.shards;
    this.shards = {};   // key -> [[customer number, [words of field 0, 1, 2, 3]], …]
    this.records = {};  // customer number -> its records
    var self = this;
    manifest.shards.forEach(function (k) { self.has[k] = true; });
  }

  Pieces.prototype.shard = function (key) {
    if (!this.shards[key]) {
      var text = shardText[key] || "";
      this.shards[key] = text ? text.split("\n").map(function (line) {
        var sp = line.indexOf(" ");
        return [parseInt(line.slice(0, sp), 36), line.slice(sp + 1).split("|").map(function (g) {
          return g ? g.split(" ") : [];
        })];
      }) : [];
    }
    return this.shards[key];
  };

  /** The shards that hold the words starting with `token`: the one its first characters
      name. A token shorter than the keys of a shard split under it (a common prefix: "re")
      is found as a whole word only, in the shard of the words as short as it: the words
      starting with it are megabytes at 10,000 customers. {keys, whole} */
  Pieces.prototype.keysFor = function (token) {
    var n = Array.from(token).length;
    for (var d = 2; d <= n; d++) {
      var k = shardKey(token, d);
      if (this.has[k]) return { keys: [k], whole: false };
    }
    var stem = shardKey(token, n);
    var under = this.keys.filter(function (k) { return k.lastIndexOf(stem, 0) === 0 && k.length > stem.length; });
    if (under.length <= 1) return { keys: under, whole: false };
    return { keys: this.has[stem + "-"] ? [stem + "-"] : [], whole: true };
  };

  /** Customer number -> the best field a word starting with `token` (or, for a token found
      whole, the word itself) is found in. */
  Pieces.prototype.fields = function (token) {
    var out = {}, self = this, lines = [], at = this.keysFor(token);
    at.keys.forEach(function (k) { lines = lines.concat(self.shard(k)); });
    for (var i = 0; i < lines.length; i++) {
      var groups = lines[i][1];
      search: for (var f = 0; f < groups.length; f++) {
        for (var w = 0; w < groups[f].length; w++) {
          var word = groups[f][w];
          if (at.whole ? word === token : word.lastIndexOf(token, 0) === 0) { out[lines[i][0]] = f; break search; }
        }
      }
    }
    return out;
  };

  /** The customers whose words hold every term (each ranked by the best score its fields
      allow, as `score` counts), best first; or null when a term narrows nothing. */
  Pieces.prototype.candidates = function (ts) {
    var self = this, perTerm = [], narrowed = false;
    ts.forEach(function (t) {
      var tokens = words(t).filter(function (w) { return Array.from(w).length >= 2; });
      if (!tokens.length) { perTerm.push(null); return; }
      narrowed = true;
      var merged = null;
      tokens.forEach(function (tok) {
        var f = self.fields(tok), next = {};
        for (var c in f) {
          if (merged === null) next[c] = f[c];
          else if (c in merged) next[c] = Math.max(merged[c], f[c]); // the term sits in its tokens' worst field
        }
        merged = next;
      });
      perTerm.push(merged);
    });
    if (!narrowed) return null;
    var found = [];
    var first = perTerm.filter(function (m) { return m !== null; })[0];
    for (var c in first) {
      var bound = 0, allNames = true, ok = true;
      for (var t = 0; t < perTerm.length && ok; t++) {
        var f = perTerm[t] === null ? 0 : perTerm[t][c];
        if (f === undefined) { ok = false; break; }
        bound += WEIGHTS[f] * 2;
        if (f !== 0) allNames = false;
      }
      if (ok) found.push({ n: +c, bound: bound + (allNames ? 5000 : 0) });
    }
    found.sort(function (a, b) { return (b.bound - a.bound) || (a.n - b.n); });
    return found;
  };

  Pieces.prototype.docUrl = function (n) {
    return this.prefix + "customers/" + encodeURIComponent(this.slugs[n]) + "/search.js";
  };

  /** The query's hits among the likeliest customers, loading their entries in batches until
      the best LIMIT can no longer change (or MAX_DOCS are loaded); then done(hits, note). */
  Pieces.prototype.search = function (query, done) {
    var self = this, ts = terms(query);
    var keys = [], whole = [];
    ts.forEach(function (t) {
      words(t).forEach(function (w) {
        if (Array.from(w).length < 2) return;
        var at = self.keysFor(w);
        if (at.whole && whole.indexOf(w) < 0) whole.push(w);
        at.keys.forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
      });
    });
    var wholeNote = whole.length ? whole.map(function (w) { return "“" + w + "”"; }).join(" and ") +
      " found as " + (whole.length === 1 ? "a whole word" : "whole words") +
      " only in a playbook this size; type more of " + (whole.length === 1 ? "it" : "them") +
      " to find words starting with " + (whole.length === 1 ? "it" : "them") + ". " : "";
    loadAll(keys.map(function (k) { return self.prefix + "search/t/" + k + ".js"; }), function () {
      var cands = self.candidates(ts);
      if (cands === null) { done([], "Type at least two letters of a word."); return; }
      var pool = [], at = 0;
      function step() {
        var hits = search(null, query, pool.slice());
        var enough = hits.length >= LIMIT && (at >= cands.length || hits[LIMIT - 1].score >= cands[at].bound);
        if (enough || at >= cands.length || at >= MAX_DOCS) {
          var note = at < cands.length && hits.length ?
            "The best " + Math.min(hits.length, LIMIT) + " results from the " + at + " likeliest of " +
            cands.length + " customers with these words; add a word to narrow the search." : "";
          if (wholeNote) {
            note = wholeNote + (note || (hits.length ? (hits.length === 1 ? "1 result." : hits.length + " results.")
                                                     : "Nothing matches “" + query.trim() + "”."));
          }
          done(hits, note);
          return;
        }
        var batch = cands.slice(at, at + BATCH);
        at += batch.length;
        loadAll(batch.map(function (c) { return self.docUrl(c.n); }), function () {
          batch.forEach(function (c) {
            if (!self.records[c.n]) {
              var entry = docEntry[self.slugs[c.n]];
              self.records[c.n] = entry ? records([entry], self.prefix) : [];
            }
            self.records[c.n].forEach(function (rec, i) { pool.push({ rec: rec, order: c.n * 1e6 + i }); });
          });
          step();
        });
      }
      step();
    });
  };

  function start() {
    var input = document.getElementById("search-input");
    var list = document.getElementById("search-results");
    if (!input || !list) return;
    var status = document.getElementById("search-status");
    if (!status) {
      status = document.createElement("p");
      status.id = "search-status";
      list.parentNode.insertBefore(status, list);
    }
    status.setAttribute("role", "status");
    if (!window.PLAYBOOK_SEARCH) {
      status.textContent = "The search index (search-index.js) did not load; rebuild the site.";
      return;
    }
    var pieces = Array.isArray(window.PLAYBOOK_SEARCH) ? null : new Pieces(window.PLAYBOOK_SEARCH, rootPrefix());
    var all = pieces ? [] : records(window.PLAYBOOK_SEARCH, rootPrefix());
    var timer = null, last = null, lastHits = null, lastQuery = "", asked = 0;

    function run(updateUrl) {
      var q = input.value;
      if (q === last) return;
      last = q;
      if (pieces) {
        var mine = ++asked;
        if (!terms(q).length) { render(list, status, [], q); }
        else {
          status.textContent = "Searching…";
          pieces.search(q, function (hits, note) { if (mine === asked) render(list, status, hits, q, note); });
        }
      } else {
        // A query that only adds to the last one can only match among the last one's hits.
        var prev = lastHits === null ? "" : fold(lastQuery).trim();
        var within = prev && lastHits.length && fold(q).indexOf(prev) === 0 && /\S/.test(prev) ? lastHits : null;
        lastQuery = q;
        lastHits = search(all, q, within);
        render(list, status, lastHits, q);
      }
      if (updateUrl && window.history && window.history.replaceState) {
        try { // file:// pages may refuse a changed URL; the search itself still works
          var page = window.location.pathname.split("/").pop() || "search.html";
          window.history.replaceState(null, "", q.trim() ? "?q=" + encodeURIComponent(q) : page);
        } catch (e) { /* keep going */ }
      }
    }

    var q = new URLSearchParams(window.location.search).get("q");
    if (q !== null) input.value = q;
    run(false);
    input.addEventListener("input", function () {
      if (timer) window.clearTimeout(timer);
      // Large indexes are searched once typing pauses; small ones on every key.
      timer = window.setTimeout(function () { run(true); }, pieces || all.length > 5000 ? 120 : 0);
    });
    if (input.form) {
      input.form.addEventListener("submit", function (e) {
        e.preventDefault();
        run(true);
        var first = list.querySelector("a");
        if (first) first.focus();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}());
