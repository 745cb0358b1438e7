/* gongshi: progressive enhancement only. Every page is complete without it. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Sortable tables: click (or press Enter/Space on) a column header.
  // Cells carry their sort value in data-value; empty values sort last.
  function sortTable(table, col, numeric, dir) {
    var body = table.tBodies[0];
    if (!body) return;
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (row, i) {
      var cell = row.cells[col];
      var raw = cell ? (cell.getAttribute("data-value") !== null ? cell.getAttribute("data-value") : cell.textContent.trim()) : "";
      return { row: row, raw: raw, num: parseFloat(raw), i: i };
    });
    keyed.sort(function (a, b) {
      var ae = a.raw === "" || (numeric && isNaN(a.num));
      var be = b.raw === "" || (numeric && isNaN(b.num));
      if (ae && be) return a.i - b.i;
      if (ae) return 1;
      if (be) return -1;
      var c = numeric ? a.num - b.num : a.raw.localeCompare(b.raw, "zh-CN");
      return c === 0 ? a.i - b.i : c * dir;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  function enhance(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, col) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var label = th.innerHTML;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.innerHTML = label;
      th.innerHTML = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var dir = current === "ascending" ? -1 : 1;
        if (current === null && kind === "number") dir = -1; // numbers: largest first
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        sortTable(table, col, kind === "number", dir);
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);

  // 字号 大/中/小: the radios change the size by themselves (CSS :has);
  // this only carries the reader's choice to the next page.
  var SIZE_KEY = "gongshi-font-size";
  var SIZES = ["large", "medium", "small"];
  function applySize(size) {
    if (SIZES.indexOf(size) < 0) return;
    document.documentElement.setAttribute("data-font-size", size);
    var radio = document.getElementById("font-size-" + size);
    if (radio) radio.checked = true;
  }
  try { applySize(window.localStorage.getItem(SIZE_KEY)); } catch (e) { /* storage refused */ }
  Array.prototype.forEach.call(document.querySelectorAll('input[name="font-size"]'), function (radio) {
    radio.addEventListener("change", function () {
      if (!radio.checked) return;
      applySize(radio.value);
      wraps.forEach(markOverflow);
      try { window.localStorage.setItem(SIZE_KEY, radio.value); } catch (e) { /* storage refused */ }
    });
  });

  // 打印: the button needs a script, so it is hidden until here.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A printed page shows what collapsed sections hold; the screen gets
  // them back as they were.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  // Wide tables: say that they scroll, where they do (data-overflow shows
  // the hint; "left"/"right" say which way there is more).
  var wraps = Array.prototype.slice.call(document.querySelectorAll(".table-wrap"));
  function markOverflow(wrap) {
    var more = [];
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      if (wrap.scrollLeft > 1) more.push("left");
      if (wrap.scrollLeft + wrap.clientWidth < wrap.scrollWidth - 1) more.push("right");
      if (!more.length) more.push("both");
    }
    if (more.length) wrap.setAttribute("data-overflow", more.join(" "));
    else wrap.removeAttribute("data-overflow");
  }
  wraps.forEach(function (wrap) {
    markOverflow(wrap);
    wrap.addEventListener("scroll", function () { markOverflow(wrap); }, { passive: true });
  });
  window.addEventListener("resize", function () { wraps.forEach(markOverflow); });
})();
