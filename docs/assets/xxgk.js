// Sortable tables: <table class="sortable">. Header buttons sort by that column,
// numerically when the cells hold numbers (data-sort overrides the text).
(function () {
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    var num = Number(raw.replace(/,/g, ""));
    return raw !== "" && !isNaN(num) ? { n: num } : { s: raw };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    if (a.n !== undefined) return -1;
    if (b.n !== undefined) return 1;
    return a.s.localeCompare(b.s, "zh-Hans-CN");
  }
  function setup(table) {
    if (table.dataset.sortReady) return;
    table.dataset.sortReady = "1";
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r1, r2) {
          var c = compare(key(r1.cells[index]), key(r2.cells[index]));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function init() { document.querySelectorAll("table.sortable").forEach(setup); }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();

// A table wider than the page scrolls sideways inside its box (Material's .md-typeset__scrollwrap around a
// Markdown table, ours around a generated one): such a box takes keyboard focus, so it can be scrolled
// without a mouse (WCAG 2.1.1), and is named for screen readers. Checked again when the window resizes.
(function () {
  function mark() {
    document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset .xxgk-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        box.setAttribute("aria-label", (caption ? caption.textContent.trim() + "：" : "") + "可左右滚动的表格");
        box.dataset.xxgkScroll = "1";
      } else if (!scrolls && box.dataset.xxgkScroll) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.xxgkScroll;
      }
    });
  }
  function init() { setTimeout(mark, 0); }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
  window.addEventListener("resize", function () { clearTimeout(mark.timer); mark.timer = setTimeout(mark, 150); });
})();
