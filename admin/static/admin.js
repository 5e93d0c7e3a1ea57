/* Mikhak back office: bulk actions and delete confirmations without inline handlers (strict CSP). */
(function () {
  "use strict";
  function readJSON(id, fallback) {
    var node = document.getElementById(id);
    if (!node) { return fallback; }
    try { return JSON.parse(node.textContent); } catch (e) { return fallback; }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.bulk-action");
    if (!link) { return; }
    event.preventDefault();
    var selected = document.querySelectorAll("input.action-checkbox:checked");
    if (selected.length === 0) {
      window.alert(readJSON("message-data", "Please select at least one record."));
      return;
    }
    var name = link.getAttribute("data-action");
    var confirmations = readJSON("actions-confirmation-data", {});
    if (confirmations[name] && !window.confirm(confirmations[name])) { return; }
    var form = document.getElementById("action_form");
    form.querySelector("[name=action]").value = name;
    form.querySelectorAll("input.action-checkbox").forEach(function (old) { old.remove(); });
    selected.forEach(function (box) {
      var copy = document.createElement("input");
      copy.type = "hidden";
      copy.name = "rowid";
      copy.value = box.value;
      copy.className = "action-checkbox";
      form.appendChild(copy);
    });
    form.submit();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("input.action-rowtoggle")) {
      document.querySelectorAll("input.action-checkbox").forEach(function (box) { box.checked = event.target.checked; });
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
/* Menu links that only open a dropdown or a filter must not navigate. */
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[href='#']");
  if (link) { event.preventDefault(); }
});
