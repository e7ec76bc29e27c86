// Draws every element carrying data-chart with the ECharts option in the <script> it names,
// and redraws on resize. Options are built on the server so that labels come translated.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (!source || element.dataset.drawn) return;
      var chart = echarts.init(element);
      // Listen before drawing: without animation the chart finishes inside setOption.
      chart.on("finished", function () { element.dataset.rendered = "1"; });
      chart.setOption(JSON.parse(source.textContent));
      element.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
