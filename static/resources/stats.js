/* The term comparison chart of the two-committee statistics page: average age at election, under 35
   and college or above (shares of the members, %), previous against current term. The data come from
   the page (json_script, the same selector as the table); ECharts is vendored, no CDN. */
(function () {
  "use strict";
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function draw() {
    var box = document.getElementById("term-chart");
    var data = read("term-chart-data");
    var labels = read("term-chart-labels") || {};
    if (!box || !data || typeof window.echarts === "undefined") { return; }
    var metrics = ["avg_age", "young_pct", "college_pct"];
    var termLabel = function (n) { return (labels.term || "%(n)s").replace("%(n)s", n); };
    var series = data.terms.map(function (n, i) {
      return {
        name: termLabel(n), type: "bar", barMaxWidth: 36,
        label: { show: true, position: "top" },
        data: metrics.map(function (m) { return data[m][i]; })
      };
    });
    var chart = window.echarts.init(box);
    chart.setOption({
      color: ["#b0b7c3", "#c62828"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 30 },
      xAxis: { type: "category", data: metrics.map(function (m) { return labels[m] || m; }),
               axisLabel: { interval: 0, width: 90, overflow: "break" } },
      yAxis: { type: "value" },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
