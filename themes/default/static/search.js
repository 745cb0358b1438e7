/* gongshi: the search page's script. It runs the page's plain GET form
   (?q=…&township=…&district=…&year=…) in the browser against the index that
   `gongshi build` writes into search/ (src/search/). Without it the page
   still says that search needs JavaScript and lists every township and year;
   opened from disk (file://), where browsers refuse to fetch the index, it
   says so.

   Written by hand, with no library: the index is gongshi's own (characters
   and pairs of characters, so that Chinese typed without spaces is found;
   posting lists in shards so that a search downloads only the shards of its
   own words; each report's text fetched only when it is shown), and no
   search library reads it. Folding and tokenizing here must stay the same
   as in src/search/fold.rs and src/search/token.rs; tests/browser.rs checks
   both sides on the same texts. */
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form) return;
  var words = form.dataset;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var filters = ["township", "district", "year"]
    .map(function (name) { return document.getElementById("search-" + name); })
    .filter(Boolean);
  var PAGE = 10;

  // The address fills the form, so a search can be bookmarked and shared.
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  filters.forEach(function (select) {
    var value = params.get(select.name);
    if (!value) return;
    // A hidden field (a site with too many townships for a list) takes the
    // address's value as it is.
    if (!select.options) { select.value = value; return; }
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.value === value || (!select.value && o.textContent === value)) select.value = o.value;
    });
  });

  if (location.protocol === "file:") {
    document.getElementById("search-file").hidden = false;
    form.dataset.state = "file";
    return;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  // ---------------------------------------------------------------------
  // Folding (src/search/fold.rs): one character to one character.

  var OPEN = "〔【〖﹝［", CLOSE = "〕】〗﹞］";
  function foldBasic(c) {
    var u = c.codePointAt(0);
    if (u >= 65 && u <= 90) return String.fromCharCode(u + 32);
    if (u === 0x3000) return " ";
    if (OPEN.indexOf(c) >= 0) return "[";
    if (CLOSE.indexOf(c) >= 0) return "]";
    if (u >= 0xff01 && u <= 0xff5e) {
      var a = u - 0xfee0;
      return String.fromCharCode(a >= 65 && a <= 90 ? a + 32 : a);
    }
    return c;
  }
  // The traditional-to-simplified table, fetched only when a query finds
  // nothing as typed, or a report shown is written in traditional characters.
  var table = null;
  var tableMap = null;
  function loadTable() {
    if (!table) {
      table = fetch(address(words.fold))
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) {
          var map = new Map();
          text.split("\n").forEach(function (line) {
            var chars = Array.from(line);
            if (chars.length === 2) map.set(chars[0], chars[1]);
          });
          tableMap = map;
          return map;
        })
        .catch(function () { return new Map(); });
    }
    return table;
  }
  // The folded characters of a text (an array: one entry per character as
  // written, so positions stay those of the text as written).
  function folded(text) {
    return Array.from(text, function (c) {
      return foldBasic((tableMap && tableMap.get(c)) || c);
    });
  }

  // ---------------------------------------------------------------------
  // Units and tokens (src/search/token.rs).

  var BREAKS = "\n,;:!?\"'`。、“”‘’…—·「」『』｡､・";
  var NOTHING = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2060\ufeff]/;
  var MAX_TOKEN_BYTES = 16;
  function isWord(c) { return /^[a-z0-9]$/.test(c); }
  function isDigit(c) { return c !== undefined && c >= "0" && c <= "9" && c.length === 1; }

  // The units of folded characters: {text, start, end, adjacent}, start
  // and end counted in characters; a run of letters and digits is one unit.
  function units(chars) {
    var out = [];
    var adjacent = false;
    var word = null;
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (isWord(c)) {
        if (!word) word = { text: "", start: i, end: i, adjacent: adjacent, word: true };
        word.text += c;
        word.end = i + 1;
        continue;
      }
      // Digit grouping: 2,537 is one run.
      if (c === "," && word && isDigit(word.text.charAt(word.text.length - 1)) &&
          isDigit(chars[i + 1]) && isDigit(chars[i + 2]) && isDigit(chars[i + 3]) && !isDigit(chars[i + 4])) {
        continue;
      }
      if (word) {
        out.push(word);
        word = null;
        adjacent = true;
      }
      if (BREAKS.indexOf(c) >= 0) {
        adjacent = false;
      } else if (!NOTHING.test(c)) {
        out.push({ text: c, start: i, end: i + 1, adjacent: adjacent, word: false });
        adjacent = true;
      }
    }
    if (word) out.push(word);
    return out;
  }

  function utf8Length(c) {
    var u = c.codePointAt(0);
    return u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;
  }
  // A token's text: units joined (two runs of letters and digits with a
  // space), cut to the last whole character within 16 bytes of UTF-8.
  function token(parts) {
    var out = "", bytes = 0, full = false;
    function push(c) {
      var n = utf8Length(c);
      if (full || bytes + n > MAX_TOKEN_BYTES) { full = true; return; }
      out += c;
      bytes += n;
    }
    parts.forEach(function (u, i) {
      if (i > 0 && u.word && parts[i - 1].word) push(" ");
      Array.from(u.text).forEach(push);
    });
    return out;
  }

  // A query's phrases: cut at spaces and at sentence punctuation. Each has
  // its units and the tokens a report must hold (pairs of adjacent units,
  // or the one unit).
  function phrases(query) {
    var out = [];
    query.split(/\s+/).forEach(function (piece) {
      var current = [];
      units(folded(piece)).forEach(function (u) {
        if (!u.adjacent && current.length) {
          out.push(current);
          current = [];
        }
        current.push(u);
      });
      if (current.length) out.push(current);
    });
    return out.map(function (us) {
      var tokens = [];
      if (us.length === 1) tokens.push(token(us));
      for (var i = 0; i + 1 < us.length; i++) tokens.push(token([us[i], us[i + 1]]));
      return { units: us.map(function (u) { return u.text; }), tokens: unique(tokens) };
    });
  }

  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }

  // ---------------------------------------------------------------------
  // The index: the manifest, shards of posting lists, texts.

  function address(path) {
    var url = new URL(path, location.href);
    url.searchParams.set("v", words.version);
    return url.href;
  }
  function fetchOk(path, how) {
    return fetch(address(path)).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r[how]();
    });
  }

  var manifest = null;
  function loadManifest() {
    if (!manifest) {
      manifest = fetchOk(words.index, "json").then(function (m) {
        var n = m.reports;
        var township = new Int32Array(n), year = new Int32Array(n);
        var d = 0;
        m.townships.forEach(function (t, ti) {
          t[2].split(",").filter(Boolean).forEach(function (run) {
            var parts = run.split("+");
            var from = parseInt(parts[0], 10), count = parts[1] ? parseInt(parts[1], 10) : 1;
            for (var k = 0; k < count; k++, d++) {
              township[d] = ti;
              year[d] = from + k;
            }
          });
        });
        m.township = township;
        m.year = year;
        return m;
      });
      manifest.catch(function () { manifest = null; });
    }
    return manifest;
  }

  var encoder = new TextEncoder(), decoder = new TextDecoder();
  function fnv1a32(bytes) {
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function varint(bytes, at) {
    var v = 0, scale = 1, b;
    do {
      b = bytes[at.i++];
      v += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return v;
  }

  // A shard, read into a Map of token → {form, count, list}.
  var shards = {};
  function loadShard(n) {
    if (!shards[n]) {
      shards[n] = fetchOk("shards/" + n + ".bin", "arrayBuffer").then(function (buffer) {
        var bytes = new Uint8Array(buffer);
        var map = new Map();
        var at = { i: 1 };
        while (at.i < bytes.length) {
          var len = bytes[at.i++];
          var text = decoder.decode(bytes.subarray(at.i, at.i + len));
          at.i += len;
          var form = bytes[at.i++];
          var count = varint(bytes, at);
          var size = varint(bytes, at);
          map.set(text, { form: form, count: count, list: bytes.subarray(at.i, at.i + size) });
          at.i += size;
        }
        return map;
      });
      shards[n].catch(function () { delete shards[n]; });
    }
    return shards[n];
  }

  // A token's posting list as an array over every report: 0 where the
  // token is absent, else 1 + how often it occurs (0–3). Null if absent.
  function posting(m, text) {
    var n = fnv1a32(encoder.encode(text)) & (m.shards - 1);
    return loadShard(n).then(function (map) {
      var p = map.get(text);
      if (!p) return null;
      var out = new Uint8Array(m.reports);
      var bytes = p.list, at = { i: 0 }, next = 0, v;
      if (p.form === 0) {
        while (at.i < bytes.length) {
          v = varint(bytes, at);
          next += Math.floor(v / 4);
          out[next] = 1 + (v & 3);
          next += 1;
        }
      } else if (p.form === 1) {
        for (var d = 0; d < m.reports; d++) if (bytes[d >> 3] & (1 << (d & 7))) out[d] = 1;
      } else {
        out.fill(1);
        while (at.i < bytes.length) {
          next += varint(bytes, at);
          out[next] = 0;
          next += 1;
        }
      }
      out.count = p.count;
      return out;
    });
  }

  var texts = {};
  function loadText(m, doc) {
    var t = m.townships[m.township[doc]];
    var key = t[0] + "/" + m.year[doc];
    if (!texts[key]) {
      texts[key] = fetchOk("text/" + key + ".json", "json").then(function (text) {
        text.slug = t[0];
        return text.t2s ? loadTable().then(function () { return text; }) : text;
      });
      texts[key].catch(function () { delete texts[key]; });
    }
    return texts[key];
  }

  // ---------------------------------------------------------------------
  // Matching and ranking.

  // The query's phrases and their posting lists; with `table`, folded with
  // the traditional-to-simplified table first.
  function lookUp(m, query) {
    var ps = phrases(query);
    var all = [];
    ps.forEach(function (p) { all = all.concat(p.tokens); });
    all = unique(all);
    return Promise.all(all.map(function (t) { return posting(m, t); })).then(function (lists) {
      var byToken = {};
      all.forEach(function (t, i) { byToken[t] = lists[i]; });
      return { phrases: ps, tokens: all, lists: byToken, missing: lists.some(function (l) { return !l; }) };
    });
  }

  // What the filters let through, as a test on a report's number.
  function filterTest(m) {
    var township = document.getElementById("search-township");
    var district = document.getElementById("search-district");
    var year = document.getElementById("search-year");
    var ti = -1, di = -1, y = 0;
    if (township && township.value) {
      ti = m.townships.findIndex(function (t) { return t[0] === township.value; });
      if (ti < 0) return function () { return false; };
    }
    if (district && district.value) {
      di = m.districts.indexOf(district.value);
      if (di < 0) return function () { return false; };
    }
    if (year && year.value) y = parseInt(year.value, 10);
    return function (d) {
      return (ti < 0 || m.township[d] === ti) &&
        (di < 0 || m.townships[m.township[d]][1] === di) &&
        (!y || m.year[d] === y);
    };
  }

  function idf(m, list) {
    return Math.log(1 + m.reports / Math.max(1, list.count));
  }

  // Reports with every token of the query, best first: for each phrase, how
  // often its rarest pair occurs, weighted by how rare it is; then the
  // latest year. Whether each phrase stands there whole is checked on the
  // text when the report is shown.
  function rankAll(m, found, allowed) {
    var scored = [];
    var lists = found.tokens.map(function (t) { return found.lists[t]; });
    for (var d = 0; d < m.reports; d++) {
      var ok = true;
      for (var k = 0; k < lists.length; k++) if (!lists[k][d]) { ok = false; break; }
      if (!ok || !allowed(d)) continue;
      var score = 0;
      found.phrases.forEach(function (p) {
        var least = 4, weight = 0;
        p.tokens.forEach(function (t) {
          var l = found.lists[t];
          least = Math.min(least, l[d]);
          weight = Math.max(weight, idf(m, l));
        });
        score += weight * least;
      });
      scored.push({ doc: d, score: score });
    }
    return sort(m, scored);
  }

  // When no report has every token: the reports with most of them (and the
  // numbers and words of the query on their own), said to be partial.
  function rankSome(m, found, extra, allowed) {
    var names = unique(found.tokens.concat(Object.keys(extra)));
    var lists = names.map(function (t) { return found.lists[t] || extra[t]; }).filter(Boolean);
    var scored = [];
    for (var d = 0; d < m.reports; d++) {
      var hits = 0, score = 0;
      for (var k = 0; k < lists.length; k++) {
        if (lists[k][d]) {
          hits++;
          score += idf(m, lists[k]) * lists[k][d];
        }
      }
      if (hits && allowed(d)) scored.push({ doc: d, score: hits * 1e6 + score });
    }
    return sort(m, scored);
  }

  function sort(m, scored) {
    scored.sort(function (a, b) {
      return b.score - a.score || m.year[b.doc] - m.year[a.doc] || a.doc - b.doc;
    });
    return scored.map(function (s) { return s.doc; });
  }

  // ---------------------------------------------------------------------
  // Hits in a report's text, excerpts, results.

  // Where each phrase stands whole in a section's text (or heading), as
  // [start, end) in characters; `pieces` (for a partial match) finds the
  // query's units and pairs instead.
  function hitsIn(text, ps, pieces) {
    var us = units(folded(text));
    var out = [];
    var seqs = pieces ? pieceSequences(ps) : ps.map(function (p) { return p.units; });
    seqs.forEach(function (seq) {
      for (var i = 0; i + seq.length <= us.length; i++) {
        var ok = true;
        for (var k = 0; k < seq.length; k++) {
          if (us[i + k].text !== seq[k] || (k > 0 && !us[i + k].adjacent)) { ok = false; break; }
        }
        if (ok) out.push({ start: us[i].start, end: us[i + seq.length - 1].end, phrase: seq });
      }
    });
    out.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    return out;
  }
  function pieceSequences(ps) {
    var out = [];
    ps.forEach(function (p) {
      if (p.units.length === 1) out.push(p.units);
      for (var i = 0; i + 1 < p.units.length; i++) out.push([p.units[i], p.units[i + 1]]);
      p.units.forEach(function (u) { if (isWord(u.charAt(0)) && p.units.length > 1) out.push([u]); });
    });
    return out;
  }

  // A report's sections with their hits; whether every phrase is there whole.
  function examine(text, ps, partial) {
    var seen = {};
    var sections = text.sections.map(function (s) {
      var heading = hitsIn(s[1], ps, partial);
      var body = hitsIn(s[2], ps, partial);
      heading.concat(body).forEach(function (h) { seen[h.phrase.join("\u0001")] = true; });
      return { id: s[0], heading: s[1], text: s[2], hits: body, headingHits: heading };
    });
    var whole = ps.every(function (p) { return seen[p.units.join("\u0001")]; });
    return { sections: sections, whole: whole };
  }

  // Part of a text around its first hit, with every hit in it marked.
  function excerpt(text, hits) {
    var chars = Array.from(text);
    var first = hits.length ? hits[0] : { start: 0, end: 0 };
    var from = Math.max(0, first.start - 24);
    var to = Math.min(chars.length, Math.max(first.end + 60, from + 90));
    // Start at a line's start when one is near; never end on a line end.
    for (var i = first.start - 1; i >= from; i--) if (chars[i] === "\n") { from = i + 1; break; }
    while (to > first.end && /\s/.test(chars[to - 1])) to--;
    var out = document.createDocumentFragment();
    if (from > 0) out.appendChild(document.createTextNode("\u2026"));
    var at = from;
    hits.forEach(function (h) {
      var start = Math.max(h.start, at), end = Math.min(h.end, to);
      if (end <= start) return;
      if (start > at) out.appendChild(document.createTextNode(plain(chars.slice(at, start))));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(start, end).join("");
      out.appendChild(mark);
      at = end;
    });
    if (at < to) out.appendChild(document.createTextNode(plain(chars.slice(at, to))));
    if (chars.slice(to).join("").trim()) out.appendChild(document.createTextNode("\u2026"));
    return out;
  }
  // Lines run on: after a full stop as they are, else with a dot between
  // (figures, table cells, list items).
  function plain(chars) {
    return chars.join("").replace(/([。！？；：]?)[^\S\n]*\n\s*/g, function (all, stop) {
      return stop ? stop : " \u00b7 ";
    });
  }

  function element(name, className, text) {
    var el = document.createElement(name);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function item(m, doc, text, seen, partial) {
    var url = words.root + text.slug + "/" + m.year[doc] + "/index.html";
    var li = element("li", "search-result");
    var heading = element("h2");
    var link = element("a", null, text.title);
    link.href = url;
    heading.appendChild(link);
    li.appendChild(heading);
    var about = [text.township, text.district, text.year + words.yearSuffix].filter(Boolean).join(" · ");
    li.appendChild(element("p", "result-meta", about));
    if (partial) li.appendChild(element("p", "result-part", words.part));
    // The excerpt: from the section with the most hits.
    var best = null;
    seen.sections.forEach(function (s) {
      if (s.hits.length && (!best || s.hits.length > best.hits.length)) best = s;
    });
    var p = element("p", "result-excerpt");
    if (best) {
      p.appendChild(excerpt(best.text, best.hits));
    } else {
      // Hits in headings only: the first such heading.
      var titled = seen.sections.filter(function (s) { return s.headingHits.length; })[0];
      p.appendChild(titled ? excerpt(titled.heading, titled.headingHits)
        : excerpt(seen.sections.length ? seen.sections[0].text : "", []));
    }
    li.appendChild(p);
    // Where in the report: the headings the hits are under.
    var subs = seen.sections.filter(function (s) { return s.id && (s.hits.length || s.headingHits.length); });
    if (subs.length) {
      var ul = element("ul");
      ul.setAttribute("aria-label", words.inReport);
      subs.slice(0, 3).forEach(function (s) {
        var sub = element("li");
        var a = element("a", null, s.heading);
        a.href = url + "#" + s.id;
        sub.appendChild(a);
        if (s !== best && s.hits.length) {
          sub.appendChild(document.createTextNode(" "));
          var span = element("span", "result-excerpt");
          span.appendChild(excerpt(s.text, s.hits));
          sub.appendChild(span);
        }
        ul.appendChild(sub);
      });
      li.appendChild(ul);
    }
    return li;
  }

  // ---------------------------------------------------------------------
  // The search.

  var run = 0;
  var current = null;

  function reset() {
    current = null;
    list.textContent = "";
    list.hidden = true;
    more.hidden = true;
  }

  // Show the next results: reports whose text has every phrase whole come
  // first; one that only has the pieces waits until no whole one is left,
  // and is marked as partial.
  function showMore(mine) {
    var c = current;
    var shown = [];
    // At most this many rounds of texts for one page: a query whose pieces
    // are common but whose phrase is rare shows fewer than PAGE at a time.
    var rounds = 5;
    function step() {
      if (shown.length >= PAGE || (c.next >= c.docs.length && !c.later.length)) return Promise.resolve();
      if (c.next >= c.docs.length) {
        shown = shown.concat(c.later.splice(0, PAGE - shown.length));
        return Promise.resolve();
      }
      if (rounds-- <= 0) return Promise.resolve();
      var batch = c.docs.slice(c.next, c.next + PAGE - shown.length);
      c.next += batch.length;
      return Promise.all(batch.map(function (d) { return loadText(c.m, d); })).then(function (textsOf) {
        batch.forEach(function (d, i) {
          var seen = examine(textsOf[i], c.phrases, c.partial);
          var entry = { doc: d, text: textsOf[i], seen: seen, partial: c.partial || !seen.whole };
          if (c.partial || seen.whole) shown.push(entry);
          else c.later.push(entry);
        });
        return step();
      });
    }
    return step().then(function () {
      if (mine !== run) return;
      shown.forEach(function (e) {
        if (e.partial && !c.partial && e.seen.whole === false) e.seen = examine(e.text, c.phrases, true);
        list.appendChild(item(c.m, e.doc, e.text, e.seen, e.partial && !c.partial));
      });
      list.hidden = !list.children.length;
      more.hidden = c.next >= c.docs.length && !c.later.length;
    });
  }

  function failed(mine) {
    if (mine !== run) return;
    reset();
    status.textContent = words.error;
    done("error");
  }

  // The form's data-state says where a search is (loading, done, partial,
  // none, error) and data-query which query it is about: for styling and tests.
  function done(state, query) {
    form.dataset.state = state;
    if (query !== undefined) form.dataset.query = query;
  }

  function rewriteAddress() {
    var p = new URLSearchParams();
    if (input.value.trim()) p.set("q", input.value.trim());
    filters.forEach(function (select) { if (select.value) p.set(select.name, select.value); });
    var query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function hasHan(text) {
    return /[\u3400-\u9fff\uf900-\ufaff]|[\ud840-\ud8bf][\udc00-\udfff]/.test(text);
  }

  function search() {
    var mine = ++run;
    var query = input.value.trim();
    rewriteAddress();
    if (!phrases(query).length) {
      reset();
      status.textContent = words.empty;
      done("idle", query);
      return;
    }
    status.textContent = words.loading;
    done("loading", query);
    loadManifest()
      .then(function (m) {
        return lookUp(m, query).then(function (found) {
          // A token nowhere in the index: perhaps traditional characters.
          if (!found.missing || !hasHan(query) || tableMap) return found;
          return loadTable().then(function () { return lookUp(m, query); });
        }).then(function (found) {
          var allowed = filterTest(m);
          if (!found.missing) return { m: m, found: found, docs: rankAll(m, found, allowed), partial: false };
          // No report has every token: the ones with some of them, and with
          // the query's numbers and words of letters on their own.
          var extra = {};
          var names = [];
          found.phrases.forEach(function (p) {
            if (p.units.length > 1) p.units.forEach(function (u) { if (isWord(u.charAt(0))) names.push(u); });
          });
          names = unique(names);
          return Promise.all(names.map(function (t) { return posting(m, token([{ text: t, word: true }])); })).then(function (lists) {
            names.forEach(function (t, i) { if (lists[i]) extra[t] = lists[i]; });
            return { m: m, found: found, docs: rankSome(m, found, extra, allowed), partial: true };
          });
        });
      })
      .then(function (r) {
        if (mine !== run) return;
        reset();
        if (!r.docs.length) {
          status.textContent = fill(words.none, { query: query });
          done("none", query);
          return;
        }
        current = { m: r.m, docs: r.docs, next: 0, later: [], phrases: r.found.phrases, partial: r.partial };
        status.textContent = fill(r.partial ? words.partial : words.results, { count: r.docs.length, query: query });
        return showMore(mine).then(function () { if (mine === run) done(r.partial ? "partial" : "done", query); });
      })
      .catch(function () { failed(mine); });
  }

  var timer = 0;
  var composing = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  // Search as one types, once a word is complete (not in the middle of an
  // input method's composition) and typing pauses.
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; });
  input.addEventListener("input", function () {
    if (composing) return;
    clearTimeout(timer);
    timer = setTimeout(search, 400);
  });
  filters.forEach(function (select) { select.addEventListener("change", search); });
  more.addEventListener("click", function () {
    var first = list.children.length;
    var mine = run;
    showMore(mine).then(function () {
      // Move on to the first new result, for keyboard and screen-reader users.
      var next = list.children[first];
      var link = next && next.querySelector("a");
      if (link) link.focus();
    }).catch(function () { failed(mine); });
  });

  // For tests: the same tokens as src/search/token.rs.
  window.gongshiSearch = {
    tokens: function (text) {
      var out = [];
      var us = units(folded(text));
      us.forEach(function (u, i) {
        if (u.adjacent && i > 0) out.push(token([us[i - 1], u]));
        out.push(token([u]));
      });
      return out;
    },
    query: function (text) { return phrases(text).map(function (p) { return p.tokens; }); },
    loadTable: loadTable
  };

  if (input.value.trim()) {
    search();
  } else {
    status.textContent = words.empty;
    done("idle", "");
  }
})();
