(function () {
  var order = ["info", "low", "medium", "high", "critical"];
  var text = document.getElementById("filter");
  var level = document.getElementById("severity");
  var focus = document.getElementById("focus");
  var items = document.querySelectorAll("details.finding");
  function about(party, from, to) {
    return party === "" || from === party || to === party;
  }
  function apply() {
    var q = text.value.toLowerCase();
    var min = order.indexOf(level.value);
    var party = focus ? focus.value : "";
    for (var i = 0; i < items.length; i++) {
      var d = items[i];
      var parties = (d.getAttribute("data-parties") || "").split("|");
      var show = order.indexOf(d.getAttribute("data-severity")) >= min &&
        (q === "" || d.getAttribute("data-text").indexOf(q) >= 0) &&
        (party === "" || parties.indexOf(party) >= 0);
      d.classList.toggle("hidden", !show);
    }
    var marked = document.querySelectorAll("[data-from][data-to]");
    for (var j = 0; j < marked.length; j++) {
      var m = marked[j];
      var mine = about(party, m.getAttribute("data-from"), m.getAttribute("data-to"));
      m.classList.toggle(m.tagName === "LI" ? "hidden" : "dim", !mine);
    }
  }
  text.addEventListener("input", apply);
  level.addEventListener("change", apply);
  if (focus) { focus.addEventListener("change", apply); }
})();
