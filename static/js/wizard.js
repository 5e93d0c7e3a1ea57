// Progressive enhancement for wizard pages: show_if on the same step, and single submission.
// Without JavaScript every field is shown and the server ignores the ones a condition hides.
var Conditions = (function () {
  "use strict";
  var OPERATORS = ["equals", "in", "gt", "gte", "lt", "lte"];
  var NUMBER = /^[+-]?[0-9]{1,15}(\.[0-9]{1,15})?$/;  // forms/wtf.py _NUMBER

  // Persian (U+06F0…) and Arabic-Indic (U+0660…) digits to ASCII, as persian.normalize_digits does.
  function asciiDigits(text) {
    return text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, function (ch) { return String(ch.charCodeAt(0) & 0xF); });
  }

  // A typed number as the server reads it (forms/wtf.py NumberInputField), or null.
  function numberOf(text) {
    var plain = asciiDigits(String(text)).trim().replace("\u066B", ".");
    return NUMBER.test(plain) ? Number(plain) : null;
  }

  // One submitted string against one operand; `number` leaves compare as numbers, the others as strings.
  function test(actual, op, expected, number) {
    if (op === "in") { return expected.some(function (item) { return test(actual, "equals", item, number); }); }
    var a = actual, b = expected;
    if (number) {
      a = numberOf(actual);
      b = Number(expected);
      if (a === null) { return false; }
    }
    return { equals: a === b, gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
  }

  // `age_of` a birth date on another date of the page: whole years, as forms/dates.age counts them.
  function ageOn(cond, op, read) {
    var birth = read(cond.age), on = read(cond.at);
    if (birth === undefined || on === undefined) { return null; }
    if (birth === null || on === null) { return false; }
    var b = birth.split("-").map(Number), a = on.split("-").map(Number);
    var years = a[0] - b[0] - (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2]) ? 1 : 0);
    return test(String(years), op, cond[op], true);
  }

  function operatorOf(cond) {
    for (var i = 0; i < OPERATORS.length; i++) {
      if (Object.prototype.hasOwnProperty.call(cond, OPERATORS[i])) { return OPERATORS[i]; }
    }
    return null;
  }

  // A condition as the server encodes it (forms/browser.py), `read(name)` giving what a field submits.
  // Returns true/false, or null when a field is not on the page (the server's rendering then stands).
  function evaluate(cond, read) {
    if (Object.prototype.hasOwnProperty.call(cond, "const")) { return cond.const; }
    if (cond.not) { var inner = evaluate(cond.not, read); return inner === null ? null : !inner; }
    if (cond.all || cond.any) {
      // One false decides `all` and one true `any`, whatever the parts not on this page say.
      var results = (cond.all || cond.any).map(function (c) { return evaluate(c, read); });
      var decisive = Boolean(cond.any);
      if (results.indexOf(decisive) >= 0) { return decisive; }
      return results.indexOf(null) >= 0 ? null : !decisive;
    }
    var op = operatorOf(cond);
    if (op !== null && cond.age && cond.at) { return ageOn(cond, op, read); }
    if (op === null || !cond.field) { return null; }
    var value = read(cond.field), expected = cond[op];
    if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
      // Another field of the page: compared with what it holds now (numbers as the server reads them).
      var other = read(expected.field);
      if (value === undefined || other === undefined) { return null; }
      if (other === null || Array.isArray(other)) { return false; }
      expected = cond.number ? numberOf(other) : other;
      if (expected === null) { return false; }
    }
    if (value === undefined) { return null; }
    if (value === null) { return false; }
    return (Array.isArray(value) ? value : [value]).some(function (item) {
      return test(item, op, expected, Boolean(cond.number));
    });
  }

  // The input names a condition reads (to wait until they are answered before saying a rule fails).
  function fieldsOf(cond) {
    if (cond.not) { return fieldsOf(cond.not); }
    if (cond.all || cond.any) { return [].concat.apply([], (cond.all || cond.any).map(fieldsOf)); }
    if (cond.age) { return [cond.age, cond.at]; }
    var op = operatorOf(cond), expected = op && cond[op];
    var other = expected && typeof expected === "object" && !Array.isArray(expected) ? [expected.field] : [];
    return cond.field ? [cond.field].concat(other) : [];
  }

  return { evaluate: evaluate, asciiDigits: asciiDigits, fieldsOf: fieldsOf };
}());

if (typeof module === "object" && module.exports) { module.exports = Conditions; }

// Progressive enhancement of wizard pages (not run under node, where only the evaluator is used).
(function () {
  "use strict";
  if (typeof document === "undefined") { return; }
  var form = document.querySelector("form.wizard-form");

  var J_DAYS = [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29];
  var G_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  var asciiDigits = Conditions.asciiDigits;

  function gregorianDays(year, month) {
    var leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return month === 2 && leap ? 29 : G_DAYS[month - 1];
  }

  // Jalali → Gregorian [year, month, day] as jdatetime converts on the server (FarsiWeb's jalali.c,
  // leap years by the 33-year rule); null when the day does not exist.
  function jalaliToGregorian(jy, jm, jd) {
    var leapYear = [1, 5, 9, 13, 17, 22, 26, 30].indexOf(jy % 33) >= 0;
    if (jd > (jm === 12 && leapYear ? 30 : J_DAYS[jm - 1])) { return null; }
    var y = jy - 979, n = 365 * y + Math.floor(y / 33) * 8 + Math.floor((y % 33 + 3) / 4) + jd - 1 + 79;
    for (var i = 0; i < jm - 1; i++) { n += J_DAYS[i]; }
    var gy = 1600 + 400 * Math.floor(n / 146097), leap = 1;
    n %= 146097;
    if (n >= 36525) {
      n--;
      gy += 100 * Math.floor(n / 36524);
      n %= 36524;
      if (n >= 365) { n++; } else { leap = 0; }
    }
    gy += 4 * Math.floor(n / 1461);
    n %= 1461;
    if (n >= 366) { leap = 0; n--; gy += Math.floor(n / 365); n %= 365; }
    var m = 0;
    while (n >= G_DAYS[m] + (m === 1 ? leap : 0)) { n -= G_DAYS[m] + (m === 1 ? leap : 0); m++; }
    return [gy, m + 1, n + 1];
  }

  // The Gregorian [year, month, day] in a day/month/year date input, read as the server does
  // (forms/wtf.py parts_to_date): null when empty or not a date, undefined when not on this page.
  function dateOf(name) {
    var boxes = ["day", "month", "year"].map(function (part) { return form.querySelector("[name='" + name + "-" + part + "']"); });
    if (boxes.indexOf(null) >= 0) { return undefined; }
    if (inHiddenField(boxes[0])) { return null; }
    var parts = boxes.map(function (box) { return asciiDigits(box.value).trim(); });
    if (!parts.every(function (part) { return /^[0-9]+$/.test(part); })) { return null; }
    var day = Number(parts[0]), month = Number(parts[1]), year = Number(parts[2]);
    if (year < 1000 || year > 2999 || month < 1 || month > 12 || day < 1) { return null; }
    var chosen = form.querySelector("[name='" + name + "-calendar']");
    var calendar = chosen && (chosen.value === "jalali" || chosen.value === "gregorian") ? chosen.value
      : (document.documentElement.lang === "fa" ? "jalali" : "gregorian");
    if (calendar === "jalali") { return jalaliToGregorian(year, month, day); }
    return day <= gregorianDays(year, month) ? [year, month, day] : null;
  }

  function isoText(date) {
    return date.map(function (n, i) { return String(n).padStart(i ? 2 : 4, "0"); }).join("-");
  }

  // Whether an input sits in a field a condition hides: its answer then counts as absent (as on the server).
  function inHiddenField(input) {
    var wrapper = input.closest(".field");
    return Boolean(wrapper && wrapper.hidden);
  }

  // What a field submits, as the server's encoded conditions expect it: a string, a list of strings (check
  // boxes), null when there is no answer (or the field is hidden), undefined when the field is not on this page.
  function valueOf(name) {
    var date = dateOf(name);
    if (date !== undefined) { return date === null ? null : isoText(date); }
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (inHiddenField(first)) { return null; }
    if (first.type === "radio") {
      var checked = form.querySelector("[name='" + name + "']:checked");
      return checked ? checked.value : null;
    }
    if (first.type === "checkbox") {
      var ticked = Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return i.value; });
      return ticked.length ? ticked : null;
    }
    var text = first.value.trim();
    return text === "" ? null : text;
  }

  function refresh() {
    // In document order, so a field's visibility is settled before later conditions read its answer.
    form.querySelectorAll(".field[data-show-if]").forEach(function (wrapper) {
      if (!("serverHidden" in wrapper.dataset)) { wrapper.dataset.serverHidden = wrapper.hidden ? "1" : ""; }
      var result = Conditions.evaluate(JSON.parse(wrapper.getAttribute("data-show-if")), valueOf);
      wrapper.hidden = result === null ? wrapper.dataset.serverHidden === "1" : !result;
    });
    // An eligibility rule's message shows once the answers it reads are given and it fails (the server refuses Next).
    form.querySelectorAll("[data-rule]").forEach(function (notice) {
      var rule = JSON.parse(notice.getAttribute("data-rule"));
      var answered = Conditions.fieldsOf(rule).every(function (name) { return valueOf(name) !== null; });
      notice.hidden = !(answered && Conditions.evaluate(rule, valueOf) === false);
    });
  }

  if (form) {
    form.addEventListener("change", refresh);
    form.addEventListener("input", refresh);
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

if (typeof document !== "undefined") {
  document.querySelectorAll("[data-print]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  });
}

// A date's calendar list: choosing the other calendar relabels the months and the example at once
// (the month keeps its number; without script the next page shows the chosen calendar's names).
if (typeof document !== "undefined") {
  document.querySelectorAll("select.date-calendar").forEach(function (choice) {
    choice.addEventListener("change", function () {
      var group = choice.closest(".date-parts");
      var months = JSON.parse(choice.getAttribute("data-months"))[choice.value];
      var example = JSON.parse(choice.getAttribute("data-examples"))[choice.value];
      var month = group.querySelector("select[name$='-month']");
      for (var i = 1; i < month.options.length && i <= months.length; i++) { month.options[i].text = months[i - 1]; }
      var hint = group.querySelector(".date-example");
      if (hint) { hint.textContent = example; }
    });
  });
}
