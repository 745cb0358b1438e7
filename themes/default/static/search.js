/* gongshi: the search page's script. It runs the page's plain GET form
   (?q=…&township=…&district=…&year=…) in the browser with the Pagefind index
   in search/pagefind/. Without it the page still says that search needs
   JavaScript and lists every township and year; opened from disk (file://),
   where browsers refuse to load the index, it says so. */
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
    if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.value = value;
    }
  });

  var rangeSelect = document.getElementById("search-range");
  if (rangeSelect) {
    var wanted = params.get("range");
    Array.prototype.forEach.call(rangeSelect.options, function (o) { if (o.value === wanted) rangeSelect.value = wanted; });
  }

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

  // Queries are folded as the index was (src/search/fold.rs): full-width
  // digits and letters to ASCII, traditional characters to simplified ones
  // with the same table. The table is fetched only when a query with Han
  // characters finds nothing as typed.
  var table = null;
  function loadTable() {
    if (!table) {
      table = fetch(new URL(words.fold, location.href).href)
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (text) {
          var map = new Map();
          text.split("\n").forEach(function (line) {
            var chars = Array.from(line);
            if (chars.length === 2) map.set(chars[0], chars[1]);
          });
          return map;
        })
        .catch(function () { return new Map(); });
    }
    return table;
  }
  function widths(query) {
    return query.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }
  function simplified(query) {
    if (!/[\u3400-\u9fff\uf900-\ufaff\ud840-\ud8bf]/.test(query)) return Promise.resolve(query);
    return loadTable().then(function (map) {
      return Array.from(query, function (c) { return map.get(c) || c; }).join("");
    });
  }

  // How a query becomes Pagefind's terms. Pagefind splits a Chinese query
  // with the browser's word segmenter, which cuts words it does not know
  // into single characters (电动车 → 电|动|车), and matches each term as the
  // start of an indexed word: a query would then find any report with those
  // characters anywhere. The index holds every pair of adjacent characters
  // as a word (Pagefind's extended indexing), so the query is given as
  // pairs instead (占道经营 → 占道 道经 经营): a report must contain them
  // all, and 占路经营 does not match 占道经营. The segmenter is replaced for
  // words, on this page only, by one that keeps these terms as they are.
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]|[\ud840-\ud8bf][\udc00-\udfff]/;
  var NativeSegmenter = window.Intl && Intl.Segmenter;
  if (NativeSegmenter) {
    var Segmenter = function (locale, options) {
      if (options && options.granularity === "word") {
        return {
          segment: function (text) {
            return String(text).split(/\s+/).filter(Boolean).map(function (w) {
              return { segment: w, index: 0, input: text, isWordLike: true };
            });
          }
        };
      }
      return new NativeSegmenter(locale, options);
    };
    Segmenter.supportedLocalesOf = NativeSegmenter.supportedLocalesOf;
    Intl.Segmenter = Segmenter;
  }

  // The runs of a query: Han characters, or letters and digits
  // (punctuation such as 〔〕 separates them and is dropped).
  function runs(query) {
    return query.match(/(?:[\u3400-\u9fff\uf900-\ufaff]|[\ud840-\ud8bf][\udc00-\udfff])+|[^\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2000-\u206f!-\/:-@\[-`{-~\u3400-\u9fff\uf900-\ufaff\ud840-\ud8bf]+/g) || [];
  }
  function unique(list) {
    return list.filter(function (x, i) { return list.indexOf(x) === i; });
  }
  // Exact terms: the pairs of each run of Han characters, other runs whole.
  function pairs(query) {
    var out = [];
    runs(query).forEach(function (run) {
      var chars = Array.from(run);
      if (!HAN.test(chars[0]) || chars.length < 2) {
        out.push(run);
        return;
      }
      // Every pair of a run of up to four characters (占道经营 → 占道 道经
      // 经营: in this order, side by side); for a longer run, pairs that tile
      // it (群众满意度 → 群众 满意 意度), fewer index chunks to download.
      var step = chars.length <= 4 ? 1 : 2;
      for (var i = 0; i + 1 < chars.length; i += step) out.push(chars[i] + chars[i + 1]);
      if (step === 2 && chars.length % 2) out.push(chars[chars.length - 2] + chars[chars.length - 1]);
    });
    return unique(out).join(" ");
  }
  // Looser terms, when no report has every pair: the browser's own words.
  function words_of(query) {
    if (!NativeSegmenter) return runs(query).join(" ");
    var segmenter = new NativeSegmenter("zh-CN", { granularity: "word" });
    var out = [];
    runs(query).forEach(function (run) {
      Array.from(segmenter.segment(run)).forEach(function (s) { if (s.isWordLike) out.push(s.segment); });
    });
    return unique(out).join(" ");
  }

  // The reports with every pair of the query's characters; null when one
  // of the pairs is nowhere in the index. (For a term it does not know,
  // Pagefind would search for the longest known word the term starts with,
  // 营占 becoming 营: looser than asked. A quoted term is looked up as it is.)
  function exact(pf, folded, options) {
    var terms = pairs(folded).split(" ").filter(Boolean);
    if (!terms.length) return Promise.resolve(null);
    return Promise.all(terms.map(function (term) {
      return pf.search('"' + term + '"').then(function (r) { return !!r && r.results.length > 0; });
    })).then(function (known) {
      return known.every(Boolean) ? pf.search(terms.join(" "), options) : null;
    });
  }

  // One Pagefind per index folder: a site split by years has several, and
  // the range selector chooses which one is searched.
  var range = document.getElementById("search-range");
  function bundle() {
    var option = range && range.options[range.selectedIndex];
    return (option && option.getAttribute("data-bundle")) || words.bundle;
  }
  var loaded = {};
  function load(path) {
    if (!loaded[path]) {
      var base = new URL(path, location.href);
      var root = new URL(words.root, location.href);
      loaded[path] = import(base.href + "pagefind.js").then(function (pf) {
        // noWorker: the query is prepared on this page (above), where the
        // segmenter is replaced; it also saves downloading the worker.
        return pf.options({ basePath: base.pathname, baseUrl: root.pathname, excerptLength: 36, excerptEllipsis: "\u2026", noWorker: true })
          .then(function () { return pf.init(); })
          .then(function () { return pf; });
      });
      loaded[path].catch(function () { delete loaded[path]; });
    }
    return loaded[path];
  }

  // An excerpt from the index as nodes: its text (without the zero-width
  // spaces Pagefind puts between words) and marks. Where the excerpt holds
  // the query's phrases as typed (folded), exactly those are marked;
  // otherwise Pagefind's own marks (the matched words) are kept. Nothing
  // else of the excerpt's markup is kept.
  function excerpt(html, phrases) {
    var template = document.createElement("template");
    template.innerHTML = html || "";
    var pieces = [];
    (function walk(node, marked) {
      Array.prototype.forEach.call(node.childNodes, function (child) {
        if (child.nodeType === 3) {
          pieces.push({ text: child.nodeValue.replace(/\u200b/g, ""), marked: marked });
        } else if (child.nodeType === 1) {
          walk(child, marked || child.localName === "mark");
        }
      });
    })(template.content, false);
    // Pagefind ends blocks without a full stop with ". "; an excerpt may
    // start right after one.
    if (pieces.length) {
      var lead = pieces[0].text.match(/^(\u2026?)[\s.,;:。，；：、]*/);
      pieces[0].text = lead[1] + pieces[0].text.slice(lead[0].length);
    }
    var plain = pieces.map(function (p) { return p.text; }).join("");
    var lower = plain.toLowerCase();
    var haystack = lower.length === plain.length ? lower : plain;
    var marks = [];
    phrases.forEach(function (phrase) {
      if (!phrase) return;
      var at = haystack.indexOf(phrase);
      while (at >= 0) {
        marks.push([at, at + phrase.length]);
        at = haystack.indexOf(phrase, at + phrase.length);
      }
    });
    if (!marks.length) {
      var at = 0;
      pieces.forEach(function (p) {
        if (p.marked && p.text) marks.push([at, at + p.text.length]);
        at += p.text.length;
      });
    }
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var out = document.createDocumentFragment();
    var from = 0;
    marks.forEach(function (m) {
      var start = Math.max(m[0], from);
      if (m[1] <= start) return;
      if (start > from) out.appendChild(document.createTextNode(plain.slice(from, start)));
      var mark = document.createElement("mark");
      mark.textContent = plain.slice(start, m[1]);
      out.appendChild(mark);
      from = m[1];
    });
    if (from < plain.length) out.appendChild(document.createTextNode(plain.slice(from)));
    return out;
  }

  function element(name, className, text) {
    var el = document.createElement(name);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function item(data, phrases) {
    var meta = data.meta || {};
    var li = element("li", "search-result");
    var heading = element("h2");
    var link = element("a", null, meta.title || data.url);
    link.href = data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var about = [meta.township, meta.district, meta.year ? meta.year + words.yearSuffix : ""]
      .filter(Boolean).join(" · ");
    if (about) li.appendChild(element("p", "result-meta", about));
    var text = element("p", "result-excerpt");
    text.appendChild(excerpt(data.excerpt, phrases));
    li.appendChild(text);
    // Where in the report: the headings the hits are under.
    var subs = (data.sub_results || []).filter(function (s) { return s.url && s.url.indexOf("#") >= 0; });
    if (subs.length) {
      var ul = element("ul");
      ul.setAttribute("aria-label", words.inReport);
      subs.slice(0, 3).forEach(function (s) {
        var sub = element("li");
        var a = element("a", null, s.title);
        a.href = s.url;
        sub.appendChild(a);
        sub.appendChild(document.createTextNode(" "));
        // The page's excerpt is often this heading's: not twice.
        if (s.excerpt !== data.excerpt) {
          var span = element("span", "result-excerpt");
          span.appendChild(excerpt(s.excerpt, phrases));
          sub.appendChild(span);
        }
        ul.appendChild(sub);
      });
      li.appendChild(ul);
    }
    return li;
  }

  var run = 0;
  var results = [];
  var phrases = [];
  var shown = 0;

  function reset() {
    results = [];
    shown = 0;
    list.textContent = "";
    list.hidden = true;
    more.hidden = true;
  }

  function showMore(mine) {
    var batch = results.slice(shown, shown + PAGE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
      if (mine !== run) return;
      datas.forEach(function (data) { list.appendChild(item(data, phrases)); });
      shown += batch.length;
      list.hidden = false;
      more.hidden = shown >= results.length;
    });
  }

  function failed(mine) {
    if (mine !== run) return;
    reset();
    status.textContent = words.error;
    done("error");
  }

  // The form's data-state says where a search is (loading, done, none,
  // error) and data-query which query it is about: for styling and tests.
  function done(state, query) {
    form.dataset.state = state;
    if (query !== undefined) form.dataset.query = query;
  }

  function chosen() {
    var out = {};
    filters.forEach(function (select) { if (select.value) out[select.name] = select.value; });
    return out;
  }

  function address() {
    var p = new URLSearchParams();
    if (input.value.trim()) p.set("q", input.value.trim());
    filters.forEach(function (select) { if (select.value) p.set(select.name, select.value); });
    if (range && range.selectedIndex > 0) p.set(range.name, range.value);
    var query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function search() {
    var mine = ++run;
    var query = input.value.trim();
    address();
    if (!query) {
      reset();
      status.textContent = words.empty;
      done("idle", "");
      return;
    }
    status.textContent = words.loading;
    done("loading", query);
    load(bundle())
      .then(function (pf) {
        var options = { filters: chosen() };
        var typed = widths(query);
        var whole = function (q) {
          return exact(pf, q, options).then(function (found) {
            return found && found.results.length ? [q, found, false] : null;
          });
        };
        // Reports with every pair of characters first (as typed, then in
        // simplified characters); only when there are none, the reports with
        // the query's words (a partial match).
        return whole(typed).then(function (found) {
          if (found) return found;
          return simplified(typed).then(function (folded) {
            return (folded !== typed ? whole(folded) : Promise.resolve(null)).then(function (again) {
              if (again) return again;
              var loose = words_of(folded);
              if (!loose) return [folded, { results: [] }, false];
              return pf.search(loose, options).then(function (partial) { return [folded, partial, true]; });
            });
          });
        });
      })
      .then(function (found) {
        var response = found[1];
        if (mine !== run || !response) return;
        reset();
        results = response.results;
        phrases = unique(found[0].toLowerCase().split(/\s+/).filter(Boolean));
        if (!results.length) {
          status.textContent = fill(words.none, { query: query });
          done("none", query);
          return;
        }
        status.textContent = fill(found[2] ? words.partial : words.results, { count: results.length, query: query });
        return showMore(mine).then(function () { if (mine === run) done(found[2] ? "partial" : "done", query); });
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
  if (range) {
    range.addEventListener("change", search);
    var year = document.getElementById("search-year");
    if (year) {
      year.addEventListener("change", function () {
        var y = parseInt(year.value, 10);
        Array.prototype.forEach.call(range.options, function (o) {
          if (y >= parseInt(o.getAttribute("data-from"), 10) && y <= parseInt(o.getAttribute("data-to"), 10)) range.value = o.value;
        });
      }, true);
    }
  }
  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(run).then(function () {
      // Move on to the first new result, for keyboard and screen-reader users.
      var next = list.children[first];
      var link = next && next.querySelector("a");
      if (link) link.focus();
    }).catch(function () { failed(run); });
  });

  if (input.value.trim()) {
    search();
  } else {
    status.textContent = words.empty;
    done("idle", "");
  }
})();
