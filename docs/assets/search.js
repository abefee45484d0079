// Search: the header's search box (partials/search-box.html) over the Pagefind index in
// pagefind/, written by `xxgk search-index` (scripts/xxgk/site/search.py explains the index).
// * The query is cut into the index's own tokens (tokens(): the same rules as search.py's
//   query_tokens, kept equal by tests/test_search.py): each run of Han characters into its
//   overlapping bigrams, letters and digits whole. Every token must match.
// * Results are written as text nodes only, and only links to this site are followed.
// * The index, the engine and every part listed in pagefind/parts.json load from this site,
//   under whatever path it is served from (Material's __config.base).
(function () {
  "use strict";
  var box = document.querySelector(".xxgk-search");
  var toggle = document.getElementById("__search");
  if (!box || !toggle) return;
  var form = box.querySelector("form");
  var input = box.querySelector("input[name=q]");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroller = box.querySelector(".md-search__scrollwrap");
  var config = JSON.parse(document.getElementById("__config").textContent || "{}");
  var root = new URL((config.base || ".").replace(/\/?$/, "/"), location.href);

  var LANGUAGE = "und"; // search.py LANGUAGE: an index language Pagefind neither stems nor segments
  var PAGE = 10; // results shown at a time
  var HAN = "\\u2e80-\\u2fdf\\u3005\\u3007\\u3021-\\u3029\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var PIECES = new RegExp("([" + HAN + "]+)|((?:(?![" + HAN + "])[\\p{L}\\p{N}])+)", "gu");
  var HAN_FIRST = new RegExp("^[" + HAN + "]", "u");
  var WORD = /^[\p{L}\p{N}]+$/u;

  // --- tokens, as search.py cuts them -------------------------------------------------------------
  function bigrams(chars) {
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }
  function tokens(query) {
    var out = [];
    for (const m of query.normalize("NFKC").toLowerCase().matchAll(PIECES)) {
      if (m[1]) {
        var chars = Array.from(m[1]);
        out.push.apply(out, chars.length > 1 ? bigrams(chars) : chars);
      } else {
        out.push(m[2]);
      }
    }
    return Array.from(new Set(out));
  }
  // The readable text of a record's content (search.py plain()).
  var SPACE = "\u2e31"; // search.py SPACE: white space where two words do not imply it
  function plain(content) {
    var out = "", wordBefore = false;
    content.split(/\s+/).forEach(function (piece) {
      if (!piece) return;
      if (piece === SPACE) { out += " "; wordBefore = false; }
      else if (HAN_FIRST.test(piece)) { out += String.fromCodePoint(piece.codePointAt(0)); wordBefore = false; }
      else if (WORD.test(piece)) { out += (wordBefore ? " " : "") + piece; wordBefore = true; }
      else { out += piece; wordBefore = false; }
    });
    return out.trim();
  }

  window.xxgkSearch = { tokens: tokens, plain: plain }; // for the tests (equal to search.py) and the console

  // --- the engine, loaded on first use --------------------------------------------------------------
  var engine = null;
  function load() {
    if (!engine) {
      engine = (async function () {
        var pagefind = await import(new URL("pagefind/pagefind.js", root).href);
        await pagefind.options({ baseUrl: root.pathname });
        // Pagefind takes the search language from <html lang>; with "zh" it would cut the query's
        // bigrams again with the browser's word segmenter. It reads the attribute once, here.
        var html = document.documentElement, lang = html.getAttribute("lang");
        html.setAttribute("lang", LANGUAGE);
        var started;
        try { started = pagefind.init(); } finally {
          if (lang === null) html.removeAttribute("lang"); else html.setAttribute("lang", lang);
        }
        await started;
        var parts = [];
        try {
          var response = await fetch(new URL("pagefind/parts.json", root));
          if (response.ok) parts = await response.json();
        } catch (e) { parts = []; }
        for (const name of Array.isArray(parts) ? parts : []) {
          if (typeof name === "string" && /^[A-Za-z0-9_-]+$/.test(name)) {
            await pagefind.mergeIndex(new URL("pagefind-parts/" + name + "/", root).href, { baseUrl: root.pathname });
          }
        }
        return pagefind;
      })();
      engine.catch(function () { engine = null; });
    }
    return engine;
  }

  // --- results --------------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function onSite(url) {
    try {
      var u = new URL(url, location.href);
      return u.origin === location.origin && u.pathname.indexOf(root.pathname) === 0 ? u.href : null;
    } catch (e) { return null; }
  }
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  // The part of the text around the first match, matches marked (text nodes and <mark> only).
  function excerpt(text, query) {
    var needles = [], lower = text.toLowerCase();
    for (const m of query.normalize("NFKC").matchAll(PIECES)) {
      var run = m[1] || m[2];
      needles.push(run);
      // a run the text does not hold whole: mark its bigrams (the index matched those)
      if (m[1] && lower.indexOf(run) < 0) needles.push.apply(needles, bigrams(Array.from(m[1])));
    }
    needles = Array.from(new Set(needles)).sort(function (a, b) { return b.length - a.length; });
    var p = el("p", "md-search-result__teaser");
    if (!needles.length) return p;
    var re = new RegExp(needles.map(escapeRegExp).join("|"), "giu");
    var first = re.exec(text);
    var start = first ? Math.max(0, first.index - 30) : 0;
    var end = Math.min(text.length, start + 140);
    if (start > 0) p.appendChild(document.createTextNode("…"));
    var piece = text.slice(start, end), at = 0, m;
    re.lastIndex = 0;
    while ((m = re.exec(piece)) !== null) {
      if (!m[0]) { re.lastIndex++; continue; }
      p.appendChild(document.createTextNode(piece.slice(at, m.index)));
      p.appendChild(el("mark", "", m[0]));
      at = m.index + m[0].length;
    }
    p.appendChild(document.createTextNode(piece.slice(at)));
    if (end < text.length) p.appendChild(document.createTextNode("…"));
    return p;
  }
  function item(data, query) {
    var href = onSite(data.url);
    var fields = data.meta || {};
    var li = el("li", "md-search-result__item");
    var a = el(href ? "a" : "div", "md-search-result__link");
    if (href) a.href = href;
    var article = el("article", "md-search-result__article md-typeset");
    article.appendChild(el("div", "md-search-result__icon md-icon"));
    article.appendChild(el("h1", "", String(fields.title || data.url)));
    if (fields.where) article.appendChild(el("p", "xxgk-search-where", String(fields.where)));
    if (fields.value !== undefined) { // a statistics row: its value(s), no excerpt
      if (fields.value) article.appendChild(el("p", "xxgk-search-value", String(fields.value)));
    } else if (data.content) {
      article.appendChild(excerpt(plain(String(data.content)), query));
    }
    a.appendChild(article);
    li.appendChild(a);
    return li;
  }

  var seq = 0, results = [], shown = 0, query = "", timer = null;
  function state(name) { box.dataset.state = name; }
  async function run(text) {
    clearTimeout(timer);
    var id = ++seq;
    query = text;
    var words = tokens(text);
    results = []; shown = 0;
    if (!words.length) {
      list.replaceChildren();
      meta.textContent = "键入以开始搜索";
      box.dataset.count = "0";
      state("");
      return;
    }
    state("loading");
    meta.textContent = "正在搜索…";
    try {
      var pagefind = await load();
      var found = await pagefind.search(words.join(" "));
      if (id !== seq) return;
      results = found ? found.results : [];
      list.replaceChildren();
      box.dataset.count = String(results.length);
      meta.textContent = results.length ? "找到 " + results.length + " 个结果" : "没有找到符合条件的结果";
      await more(id);
      if (id === seq) state("done");
    } catch (e) {
      if (id !== seq) return;
      list.replaceChildren();
      meta.textContent = "搜索暂时不可用：无法加载搜索索引。";
      state("error");
    }
  }
  async function more(id) {
    var batch = results.slice(shown, shown + PAGE);
    var data = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (id !== seq) return;
    var old = list.querySelector(".xxgk-more");
    if (old) old.remove();
    data.forEach(function (d) { list.appendChild(item(d, query)); });
    shown += batch.length;
    if (shown < results.length) {
      var li = el("li", "md-search-result__item xxgk-more");
      var button = el("button", "md-button", "显示更多结果（还有 " + (results.length - shown) + " 个）");
      button.type = "button";
      button.addEventListener("click", async function () {
        var next = shown;
        state("loading");
        await more(seq);
        state("done");
        var link = list.querySelectorAll(".md-search-result__link")[next];
        if (link) link.focus();
      });
      li.appendChild(button);
      list.appendChild(li);
    }
  }

  // --- opening, closing, keys -------------------------------------------------------------------------
  function open() {
    if (!toggle.checked) {
      toggle.checked = true;
      toggle.dispatchEvent(new Event("change"));
    }
  }
  function close() {
    if (toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    input.blur();
  }
  toggle.addEventListener("change", function () {
    if (toggle.checked && document.activeElement !== input) input.focus();
  });
  input.addEventListener("focus", function () { open(); load(); });
  // Focus moving to something outside the search (Tab past the last result) closes it, as Material's own
  // search does: nothing the keyboard reaches next is left under it. Focus going nowhere (a result list
  // redrawn under it, the window left) keeps it open; a click outside closes it through the overlay.
  box.addEventListener("focusout", function (e) {
    if (toggle.checked && e.relatedTarget && !box.contains(e.relatedTarget)) close();
  });
  input.addEventListener("input", function (e) {
    if (e.isComposing) return; // an input method is still composing: search when it is done
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
  input.addEventListener("compositionend", function () { run(input.value); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var first = list.querySelector("a.md-search-result__link");
    if (first && query === input.value) first.click(); else run(input.value);
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { run(""); input.focus(); }, 0);
  });
  function focusables() {
    return [input].concat(Array.from(list.querySelectorAll("a.md-search-result__link, .xxgk-more button")));
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target;
    if (!box.contains(target)) {
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (!typing && (e.key === "/" || e.key === "s" || e.key === "f")) {
        e.preventDefault();
        open();
        input.focus();
        input.select();
      }
      return;
    }
    if (e.key === "Escape") {
      e.preventDefault();
      close();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      var items = focusables();
      var at = items.indexOf(document.activeElement);
      var next = items[Math.max(0, Math.min(items.length - 1, at + (e.key === "ArrowDown" ? 1 : -1)))];
      if (next) {
        e.preventDefault();
        next.focus();
        if (next !== input) next.scrollIntoView({ block: "nearest" });
        else scroller.scrollTop = 0;
      }
    }
  });

  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    open();
    run(q);
  }
})();
