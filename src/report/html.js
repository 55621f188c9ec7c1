(function () {
  var order = ["info", "low", "medium", "high", "critical"];
  var text = document.getElementById("filter");
  var level = document.getElementById("severity");
  var items = document.querySelectorAll("details.finding");
  function apply() {
    var q = text.value.toLowerCase();
    var min = order.indexOf(level.value);
    for (var i = 0; i < items.length; i++) {
      var d = items[i];
      var show = order.indexOf(d.getAttribute("data-severity")) >= min &&
        (q === "" || d.getAttribute("data-text").indexOf(q) >= 0);
      d.classList.toggle("hidden", !show);
    }
  }
  text.addEventListener("input", apply);
  level.addEventListener("change", apply);
})();
