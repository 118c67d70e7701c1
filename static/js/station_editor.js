/* Station editor: "Add a period" / "Add a date" buttons that add an empty formset row without a round trip.
   Each button names its formset prefix, the container of its rows and a <template> holding the empty form
   (with __prefix__ in its names); the formset's TOTAL_FORMS goes up by one. Without JavaScript the buttons stay
   hidden and the form always offers empty rows, so nothing depends on this file. */
(function () {
  "use strict";
  function setup(button) {
    var total = document.getElementById("id_" + button.dataset.formset + "-TOTAL_FORMS");
    var rows = document.querySelector(button.dataset.rows);
    var template = document.querySelector(button.dataset.template);
    if (!total || !rows || !template) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var holder = document.createElement(template.content.firstElementChild.tagName === "TR" ? "tbody" : "div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var details = rows.closest("details");
      if (details) { details.open = true; }
      var first = row.querySelector("input, select");
      if (first) { first.focus(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.add-row").forEach(setup);
  });
})();
