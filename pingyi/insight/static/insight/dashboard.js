// Draws the dashboard's charts from the JSON the page embeds (no inline script: the CSP allows only 'self').
(function () {
  "use strict";
  var RED = "#8f1d17", GREY = "#9aa3ad";

  function data() {
    var node = document.getElementById("dash-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  var builders = {
    trend: function (d) {
      var n = d.names;
      return {
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: [n.ratings, n.negative, n.satisfaction] },
        grid: { left: 48, right: 48, top: 36, bottom: 28 },
        xAxis: { type: "category", data: d.trend.labels },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: function (v) { return Math.max(0, Math.floor(v.min - 1)); }, max: 100 }],
        series: [
          { name: n.ratings, type: "bar", data: d.trend.ratings, itemStyle: { color: GREY } },
          { name: n.negative, type: "bar", data: d.trend.negative, itemStyle: { color: RED } },
          { name: n.satisfaction, type: "line", yAxisIndex: 1, data: d.trend.satisfaction, itemStyle: { color: "#1f6f43" } }
        ]
      };
    },
    levels: function (d) {
      return {
        tooltip: {},
        grid: { left: 72, right: 24, top: 12, bottom: 24 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: d.levels.labels, inverse: true },
        series: [{ type: "bar", data: d.levels.counts, itemStyle: { color: function (p) { return p.dataIndex >= 3 ? RED : GREY; } }, label: { show: true, position: "right" } }]
      };
    },
    channels: function (d) {
      return { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: d.channels, label: { formatter: "{b} {c}" } }] };
    },
    heatmap: function (d) {
      var hours = [];
      for (var h = 0; h < 24; h++) { hours.push(String(h)); }
      return {
        tooltip: { formatter: function (p) { return d.heatmap.days[p.value[1]] + " " + p.value[0] + ":00 — " + p.value[2]; } },
        grid: { left: 44, right: 12, top: 8, bottom: 72 },
        xAxis: { type: "category", data: hours },
        yAxis: { type: "category", data: d.heatmap.days, inverse: true },
        visualMap: { min: 0, max: Math.max(1, d.heatmap.max), calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, inRange: { color: ["#f4f1ee", RED] } },
        series: [{ type: "heatmap", data: d.heatmap.cells }]
      };
    }
  };

  function draw() {
    var d = data();
    if (!d || !window.echarts) { return; }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (node) {
      var build = builders[node.getAttribute("data-chart")];
      if (!build) { return; }
      var chart = window.echarts.init(node, null, { renderer: "canvas" });
      chart.setOption(build(d));
      node.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
