// The IOC dashboard's live part: listens to the server's event stream and, on an alarm,
// reloads the panel (tiles, map, alarm list) rendered by the server; on telemetry for the
// charted device, appends the point to its chart. No page reload.
(function () {
  var panel = document.getElementById("ioc-panel");
  if (!panel) return;
  var state = document.getElementById("ioc-live-state");
  var map = null;

  function drawMap() {
    var source = document.getElementById("ioc-map-option");
    var element = document.getElementById("ioc-map");
    if (!source || !element) return;
    if (map) map.dispose();
    map = echarts.init(element);
    map.setOption(JSON.parse(source.textContent));
    map.on("click", function (params) {
      if (params.data && params.data.id) {
        var url = new URL(window.location.href);
        url.searchParams.set("device", params.data.id);
        window.location.href = url.toString();
      }
    });
  }

  var pending = null;
  function refreshPanel() {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      fetch(panel.dataset.panelUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          panel.innerHTML = html;
          drawMap();
          panel.dataset.refreshed = String(Date.now());
        });
    }, 150);
  }

  function appendTelemetry(event) {
    var element = document.getElementById("ioc-device-chart");
    if (!element) return;
    var chart = echarts.getInstanceByDom(element);
    if (!chart) return;
    event.devices.forEach(function (update) {
      if (update.device !== element.dataset.device) return;
      var point = update.values[element.dataset.key];
      if (!point) return;
      var option = chart.getOption();
      var data = option.series[0].data.slice();
      data.push([point[0], Math.round(point[1] * 100) / 100]);
      chart.setOption({ series: [{ data: data }] });
    });
  }

  function connect() {
    var source = new EventSource(panel.dataset.liveUrl);
    source.onopen = function () {
      state.textContent = state.dataset.live || "●";
      state.classList.add("text-success");
      panel.dataset.live = "1";
    };
    source.onerror = function () { state.classList.remove("text-success"); };
    source.addEventListener("alarm", refreshPanel);
    source.addEventListener("telemetry", function (message) {
      appendTelemetry(JSON.parse(message.data));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawMap();
    connect();
  });
})();
