// Live SLA countdown: every element with data-due shows the time left (or overdue) each second.
(function () {
  function format(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var text = (d ? d + "d " : "") + (d || h ? h + "h " : "") + m + "m";
    return late ? "overdue by " + text : text + " left";
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var left = due - Date.now();
      el.textContent = format(left);
      el.title = "Due " + new Date(due).toLocaleString() + " (wall-clock time; business hours apply)";
      el.classList.toggle("text-danger", left < 0);
      el.classList.toggle("text-warning", left >= 0 && left < 3600 * 1000);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
