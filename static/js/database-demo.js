// Draws the two dashboard charts from data the server put in a json_script tag.
(function () {
  "use strict";
  function draw() {
    const source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    const palette = ["#6366f1", "#22c55e", "#f59e0b", "#ef4444", "#06b6d4", "#a855f7", "#84cc16"];
    new Chart(document.getElementById("category-chart"), {
      type: "doughnut",
      data: {
        labels: data.categories.map((row) => row.category),
        datasets: [{ data: data.categories.map((row) => row.count), backgroundColor: palette }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
    });
    new Chart(document.getElementById("price-chart"), {
      type: "bar",
      data: {
        labels: data.price_buckets.map((row) => row.label),
        datasets: [{ label: "Products", data: data.price_buckets.map((row) => row.count), backgroundColor: "#6366f1" }],
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
