/* The year-end board's grade distribution: a stacked bar per grade, one series per kind of assessee,
   drawn from the JSON the page carries (#grade-chart-data); the table stays as the accessible copy. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("grade-chart");
    var src = document.getElementById("grade-chart-data");
    if (!el || !src || typeof window.echarts === "undefined") return;
    var data = JSON.parse(src.textContent);
    if (!data.series || !data.series.length) return;
    el.hidden = false;
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0},
      grid: {left: 40, right: 16, top: 36, bottom: 28, containLabel: true},
      xAxis: {type: "category", data: data.labels, axisLabel: {interval: 0}},
      yAxis: {type: "value", minInterval: 1},
      series: data.series.map(function (s) {
        return {name: s.name, type: "bar", stack: "grade", data: s.data, barMaxWidth: 48};
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
