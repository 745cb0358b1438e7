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
})();
