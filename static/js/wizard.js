// Progressive enhancement for wizard pages: show_if on the same step, and single submission.
// Without JavaScript every field is shown and the server ignores the ones a condition hides.
(function () {
  "use strict";
  var form = document.querySelector("form.wizard-form");

  function valueOf(name) {
    if (!form) { return undefined; }
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (first.type === "radio") {
      var checked = form.querySelector("[name='" + name + "']:checked");
      return checked ? checked.value : undefined;
    }
    if (first.type === "checkbox") {
      if (inputs.length === 1) { return first.checked; }
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    return first.value === "" ? undefined : first.value;
  }

  function compare(actual, op, expected) {
    if (actual === undefined) { return false; }
    if (op === "equals") {
      if (typeof expected === "boolean") { return String(actual) === String(expected) || (actual === "y") === expected; }
      return String(actual) === String(expected);
    }
    if (op === "in") { return expected.map(String).indexOf(String(actual)) >= 0; }
    var a = parseFloat(actual), b = parseFloat(expected);
    if (isNaN(a) || isNaN(b)) { return null; }
    return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
  }

  // Returns true/false, or null when the condition reads something not on this page (the server decided).
  function evaluate(cond) {
    if (cond.not) { var inner = evaluate(cond.not); return inner === null ? null : !inner; }
    if (cond.all || cond.any) {
      var results = (cond.all || cond.any).map(evaluate);
      if (results.indexOf(null) >= 0) { return null; }
      return cond.all ? results.every(Boolean) : results.some(Boolean);
    }
    if (!cond.field) { return null; }
    var value = valueOf(cond.field);
    if (value === undefined && !form.querySelector("[name='" + cond.field + "']")) { return null; }
    var ops = ["equals", "in", "gt", "gte", "lt", "lte"];
    for (var i = 0; i < ops.length; i++) {
      if (Object.prototype.hasOwnProperty.call(cond, ops[i])) { return compare(value, ops[i], cond[ops[i]]); }
    }
    return null;
  }

  function refresh() {
    form.querySelectorAll(".field[data-show-if]").forEach(function (wrapper) {
      var result = evaluate(JSON.parse(wrapper.getAttribute("data-show-if")));
      if (result !== null) { wrapper.hidden = !result; }
    });
  }

  if (form) {
    form.addEventListener("change", refresh);
    refresh();
  }

  document.querySelectorAll("form[data-once]").forEach(function (once) {
    once.addEventListener("submit", function (event) {
      if (once.dataset.sent) { event.preventDefault(); return; }
      once.dataset.sent = "1";
      once.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    });
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());

document.querySelectorAll("[data-print]").forEach(function (link) {
  link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
});
