/* The hall's big screen: fetch the figures every few seconds and redraw them; the hour chart with ECharts.
   No inline script or style (the CSP forbids them): everything is set through the DOM. */
(function () {
  "use strict";
  var body = document.body;
  var source = body.getAttribute("data-src");
  var every = Math.max(5, parseInt(body.getAttribute("data-refresh"), 10) || 30) * 1000;
  var chart = null;

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value == null ? value : value[key];
    }, data);
  }

  function cell(row, text, bad) {
    var td = document.createElement("td");
    td.textContent = text;
    if (bad) td.className = "bad";
    row.appendChild(td);
    return td;
  }

  function fill(list, rows, columns) {
    var tbody = document.querySelector('[data-list="' + list + '"]');
    if (!tbody) return;
    tbody.textContent = "";
    if (!rows.length) {
      var empty = document.createElement("tr");
      empty.className = "empty";
      cell(empty, tbody.getAttribute("data-empty") || "").colSpan = columns.length;
      tbody.appendChild(empty);
      return;
    }
    rows.forEach(function (item) {
      var tr = document.createElement("tr");
      columns.forEach(function (column) {
        var value = item[column.key];
        var td = cell(tr, value == null ? "—" : String(value), column.bad && value > 0);
        if (column.name) td.classList.add("name");
      });
      tbody.appendChild(tr);
    });
  }

  function hours(counts) {
    var element = document.getElementById("hours");
    if (!element || typeof window.echarts === "undefined") return;
    var first = 8, last = 18;
    counts.forEach(function (n, hour) {
      if (n > 0) { first = Math.min(first, hour); last = Math.max(last, hour); }
    });
    var labels = [], values = [];
    for (var hour = first; hour <= last; hour++) { labels.push(hour + "时"); values.push(counts[hour]); }
    if (!chart) chart = window.echarts.init(element, null, { renderer: "canvas" });
    // Axis labels at 0.8 of the page's root size: 24 px on a 1920-wide screen, readable from three metres.
    var big = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 16;
    chart.setOption({
      animation: false,
      grid: { left: big * 2.5, right: big, top: big * 1.5, bottom: big * 2 },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: big * 0.8, color: "#e8ecf1" } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: big * 0.8, color: "#e8ecf1" },
               splitLine: { lineStyle: { color: "rgba(255,255,255,.15)" } } },
      series: [{ type: "bar", data: values, itemStyle: { color: "#f2b441" },
                 label: { show: true, position: "top", fontSize: big * 0.8, color: "#fff",
                          formatter: function (p) { return p.value ? String(p.value) : ""; } } }]
    });
  }

  function render(data) {
    document.querySelectorAll("[data-k]").forEach(function (element) {
      var value = pick(data, element.getAttribute("data-k"));
      if (value != null) element.textContent = String(value);
    });
    fill("windows", data.windows, [
      { key: "label", name: true }, { key: "ratings" }, { key: "satisfaction_text" }, { key: "negative", bad: true }
    ]);
    fill("ranking", data.ranking, [
      { key: "rank" }, { key: "label", name: true }, { key: "satisfaction_text" }, { key: "change" }
    ]);
    hours(data.hours);
    document.querySelector(".stale").hidden = true;
  }

  function load() {
    fetch(source, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(render)
      .catch(function () {
        document.querySelector(".stale").hidden = false;
      });
  }

  window.addEventListener("resize", function () { if (chart) chart.resize(); });
  load();
  window.setInterval(load, every);
})();
