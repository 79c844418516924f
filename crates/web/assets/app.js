// uptake: optional enhancements. Every page works without this script.
// 1. Click a column header of a `table.sortable` to sort its rows in the page.
// 2. Review queue keys: j/k next/previous item, c/d/e confirm/dismiss/escalate.
(function () {
  "use strict";
  function value(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent.trim(); }
    var n = parseFloat(v);
    return { empty: v === "", num: !isNaN(n) && isFinite(v), n: n, s: v.toLowerCase() };
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      if (th.querySelector("a")) { return; } // sorted by the server across pages
      th.tabIndex = 0;
      var dir = 1;
      function sort() {
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a.cells[col]), y = value(b.cells[col]);
          if (x.empty !== y.empty) { return x.empty ? 1 : -1; }
          if (x.num && y.num) { return (x.n - y.n) * dir; }
          return x.s < y.s ? -dir : x.s > y.s ? dir : 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        dir = -dir;
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
  });
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (items.length === 0) { return; }
  var at = 0;
  function go(i) { at = Math.max(0, Math.min(items.length - 1, i)); items[at].focus(); }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) { return; }
    var i = items.indexOf(document.activeElement);
    if (i >= 0) { at = i; }
    if (e.key === "j") { go(at + 1); e.preventDefault(); return; }
    if (e.key === "k") { go(at - 1); e.preventDefault(); return; }
    if (e.key === "c" || e.key === "d" || e.key === "e") {
      var b = items[at].querySelector("button[data-key='" + e.key + "']");
      if (b) { b.click(); e.preventDefault(); }
    }
  });
})();
