/* The cockpit's charts: Apache ECharts (vendored, static/vendor/echarts) fed by the page's json_script. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cockpit-charts").textContent);
  var t = data.labels;
  var charts = [];
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" },
      grid: { left: 40, right: 12, top: 36, bottom: 56, containLabel: true } }, option));
    charts.push(chart);
  }
  var rotate = function (n) { return n > 4 ? 40 : 0; };
  make("chart-tree", {
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    yAxis: { type: "category", inverse: true, data: data.tree.map(function (r) { return r.level; }),
      axisLabel: { interval: 0 } },
    xAxis: { type: "value", splitNumber: 3 },
    series: [
      { name: t.units, type: "bar", data: data.tree.map(function (r) { return r.units; }) },
      { name: t.withParty, type: "bar", data: data.tree.map(function (r) { return r.with_party_org; }) }
    ]
  });
  var states = Object.keys(data.cases.series);
  make("chart-cases", {
    legend: { top: 0, type: "scroll" },
    xAxis: { type: "category", data: data.cases.months.map(function (m) { return m.slice(5); }) },
    yAxis: { type: "value" },
    series: states.map(function (s) {
      return { name: data.case_states[s] || s, type: "bar", stack: "cases", data: data.cases.series[s] };
    })
  });
  make("chart-visits", {
    legend: { top: 0 },
    xAxis: { type: "category", data: data.visits.map(function (r) { return r.unit; }),
      axisLabel: { interval: 0, rotate: rotate(data.visits.length) } },
    yAxis: { type: "value" },
    series: [
      { name: t.visits, type: "bar", data: data.visits.map(function (r) { return r.visits; }) },
      { name: t.households, type: "bar", data: data.visits.map(function (r) { return r.households; }) }
    ]
  });
  make("chart-committee", {
    legend: { top: 0 },
    xAxis: { type: "category", data: data.committee.map(function (r) { return r.label; }),
      axisLabel: { interval: 0, width: 90, overflow: "break" } },
    yAxis: { type: "value" },
    series: [
      { name: t.previousTerm, type: "bar", data: data.committee.map(function (r) { return r.previous; }) },
      { name: t.thisTerm, type: "bar", data: data.committee.map(function (r) { return r.current; }) }
    ]
  });
  make("chart-assessment", {
    xAxis: { type: "category", data: data.assessment.map(function (r) { return r.label; }),
      axisLabel: { interval: 0, width: 80, overflow: "break" } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: data.assessment.map(function (r) { return r.value; }) }]
  });
  // The drill-down table arrives by htmx (cockpit/children/) with the members-by-unit data.
  function drawMembers() {
    var source = document.getElementById("cockpit-members");
    var el = document.getElementById("chart-members");
    if (!source || !el || el.getAttribute("data-drawn")) { return; }
    el.setAttribute("data-drawn", "1");
    var members = JSON.parse(source.textContent);
    make("chart-members", {
      xAxis: { type: "category", data: members.map(function (r) { return r.unit; }),
        axisLabel: { interval: 0, rotate: rotate(members.length) } },
      yAxis: { type: "value" },
      series: [{ name: t.members, type: "bar", data: members.map(function (r) { return r.value; }) }]
    });
  }
  document.body.addEventListener("htmx:afterSettle", drawMembers);
  drawMembers();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
