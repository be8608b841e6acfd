// Draws every chart on the page ({% chart %}: a div naming the json_script that holds its ECharts
// option). Follows dark mode, resizes with its box, and folds the table of numbers away once the
// chart is drawn (the table stays open when ECharts cannot run).
(function () {
  var charts = [];

  function theme() {
    return document.documentElement.getAttribute("data-bs-theme") === "dark" ? "dark" : null;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || !window.echarts) return;
    var option = JSON.parse(source.textContent);
    option.backgroundColor = "transparent";
    var chart = window.echarts.init(el, theme(), { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "yes");
    charts.push({ el: el, chart: chart });
    var table = el.parentNode.querySelector("details.chart-table");
    if (table) table.removeAttribute("open");
  }

  function drawAll(root) {
    // Charts swapped out by htmx (a page that refreshes its figures) are let go.
    charts = charts.filter(function (c) {
      if (c.el.isConnected) return true;
      c.chart.dispose();
      return false;
    });
    root.querySelectorAll("[data-chart]:not([data-drawn])").forEach(draw);
  }

  function redrawAll() {
    var els = charts.map(function (c) { c.chart.dispose(); c.el.removeAttribute("data-drawn"); return c.el; });
    charts = [];
    els.forEach(draw);
  }

  function start() {
    drawAll(document);
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        charts.forEach(function (c) { c.chart.resize(); });
      }).observe(document.body);
    }
    new MutationObserver(redrawAll).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
    document.body.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
