// Citation as a tool: <button class="xxgk-copy" data-copy="<id>"> copies the text of element <id>.
// The access date (<span class="xxgk-today">) is the reader's date, filled in on load and again
// when the reader copies (a page left open overnight cites the day it is copied), never the build date.
(function () {
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }
  function fillDates() {
    var date = today();
    document.querySelectorAll(".xxgk-today").forEach(function (el) { el.textContent = date; });
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }
  function say(button, message, done) {
    var status = document.querySelector('.xxgk-copied[data-for="' + button.getAttribute("data-copy") + '"]');
    if (status) status.textContent = message;
    button.textContent = done ? "已复制" : "复制";
    setTimeout(function () { button.textContent = "复制"; }, 2000);
  }
  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    fillDates();
    var text = target.textContent;
    var write = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); })
      : fallbackCopy(text);
    write.then(function () { say(button, "已复制，引用日期 " + today() + "。", true); },
               function () { say(button, "浏览器不允许自动复制：请选中上面的文字后手动复制。", false); });
  }
  function init() {
    fillDates();
    document.querySelectorAll("button.xxgk-copy").forEach(function (button) {
      if (button.dataset.copyReady) return;
      button.dataset.copyReady = "1";
      button.addEventListener("click", function () { copy(button); });
    });
  }
  if (window.document$) window.document$.subscribe(init); else document.addEventListener("DOMContentLoaded", init);
})();
