// Progressive enhancement for wizard pages: show_if on the same step, and single submission.
// Without JavaScript every field is shown and the server ignores the ones a condition hides.
(function () {
  "use strict";
  var form = document.querySelector("form.wizard-form");
  var J_DAYS = [31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30, 29];
  var G_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

  // Persian (U+06F0…) and Arabic-Indic (U+0660…) digits to ASCII, as persian.normalize_digits does.
  function asciiDigits(text) {
    return text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, function (ch) { return String(ch.charCodeAt(0) & 0xF); });
  }

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

  function isoDate(text) {
    var match = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
    if (!match) { return null; }
    var year = Number(match[1]), month = Number(match[2]), day = Number(match[3]);
    return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= gregorianDays(year, month) ? [year, month, day] : null;
  }

  function isoText(date) {
    return date.map(function (n, i) { return String(n).padStart(i ? 2 : 4, "0"); }).join("-");
  }

  // A date reference of the schema language (forms/dates.py resolve): an ISO date, `today`, or an offset
  // like -18y, +6m, -30d from today (months and years keep the day of month where it exists); else null.
  function dateRef(ref, today) {
    if (typeof ref !== "string") { return null; }
    var year = today.getFullYear(), month = today.getMonth() + 1, day = today.getDate();
    var offset = /^([+-])([0-9]{1,4})([ymd])$/.exec(ref);
    if (ref === "today") { return [year, month, day]; }
    if (!offset) { return isoDate(ref); }
    var amount = Number(offset[2]) * (offset[1] === "-" ? -1 : 1);
    if (offset[3] === "d") {
      var moved = new Date(year, month - 1, day + amount);
      return [moved.getFullYear(), moved.getMonth() + 1, moved.getDate()];
    }
    var index = year * 12 + month - 1 + (offset[3] === "y" ? 12 * amount : amount);
    year = Math.floor(index / 12);
    month = index - 12 * year + 1;
    return [year, month, Math.min(day, gregorianDays(year, month))];
  }

  // Age in whole years on today's date (forms/dates.py age).
  function ageOn(birth, today) {
    var month = today.getMonth() + 1, day = today.getDate();
    return today.getFullYear() - birth[0] - (month < birth[1] || (month === birth[1] && day < birth[2]) ? 1 : 0);
  }

  // Whether an input sits in a field a condition hides: its answer then counts as absent (as on the server).
  function inHiddenField(input) {
    var wrapper = input.closest(".field");
    return Boolean(wrapper && wrapper.hidden);
  }

  function valueOf(name) {
    if (!form) { return undefined; }
    var inputs = form.querySelectorAll("[name='" + name + "']");
    if (!inputs.length) { return undefined; }
    var first = inputs[0];
    if (inHiddenField(first)) { return undefined; }
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
    if (op === "in") { return expected.some(function (item) { return compare(actual, "equals", item) === true; }); }
    var day = typeof actual === "string" ? isoDate(actual) : null, ref = day && dateRef(expected, new Date());
    if (ref) {
      var d = isoText(day), r = isoText(ref);
      return { equals: d === r, gt: d > r, gte: d >= r, lt: d < r, lte: d <= r }[op];
    }
    if (op === "equals") {
      if (typeof expected === "boolean") { return String(actual) === String(expected) || (actual === "y") === expected; }
      return String(actual) === String(expected);
    }
    var a = parseFloat(actual), b = parseFloat(expected);
    if (isNaN(a) || isNaN(b)) { return null; }
    return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
  }

  function operatorOf(cond) {
    var ops = ["equals", "in", "gt", "gte", "lt", "lte"];
    for (var i = 0; i < ops.length; i++) {
      if (Object.prototype.hasOwnProperty.call(cond, ops[i])) { return ops[i]; }
    }
    return null;
  }

  // Returns true/false, or null when the condition depends on something not on this page: answers of
  // earlier steps and the profile are not sent to the page, so the server's rendering (hidden or not) stands.
  function evaluate(cond) {
    if (cond.not) { var inner = evaluate(cond.not); return inner === null ? null : !inner; }
    if (cond.all || cond.any) {
      // One false decides `all` and one true `any`, whatever the parts not on this page say.
      var results = (cond.all || cond.any).map(evaluate), decisive = Boolean(cond.any);
      if (results.indexOf(decisive) >= 0) { return decisive; }
      return results.indexOf(null) >= 0 ? null : !decisive;
    }
    var op = operatorOf(cond);
    if (op === null) { return null; }
    if (cond.age_of) {
      var birth = dateOf(cond.age_of);
      if (birth === undefined) { return null; }
      return birth !== null && compare(ageOn(birth, new Date()), op, cond[op]);
    }
    if (!cond.field) { return null; }
    var date = dateOf(cond.field);
    if (date !== undefined) { return compare(date === null ? undefined : isoText(date), op, cond[op]); }
    var value = valueOf(cond.field);
    if (value === undefined && !form.querySelector("[name='" + cond.field + "']")) { return null; }
    return compare(value, op, cond[op]);
  }

  function refresh() {
    // In document order, so a field's visibility is settled before later conditions read its answer.
    form.querySelectorAll(".field[data-show-if]").forEach(function (wrapper) {
      if (!("serverHidden" in wrapper.dataset)) { wrapper.dataset.serverHidden = wrapper.hidden ? "1" : ""; }
      var result = evaluate(JSON.parse(wrapper.getAttribute("data-show-if")));
      wrapper.hidden = result === null ? wrapper.dataset.serverHidden === "1" : !result;
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

document.querySelectorAll("[data-print]").forEach(function (link) {
  link.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
});
