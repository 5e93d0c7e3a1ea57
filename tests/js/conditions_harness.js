// Evaluates show_if conditions with static/js/wizard.js's own evaluator, for tests/forms/test_browser_parity.py.
// One JSON line in ({"cond": encoded condition, "values": {input name: submitted value or null}}), one line out;
// {"fieldsOf": encoded condition} answers the input names it reads (an eligibility rule waits for them).
"use strict";
const path = require("path");
const readline = require("readline");
const Conditions = require(path.join(__dirname, "..", "..", "static", "js", "wizard.js"));

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", function (line) {
  const { cond, values, fieldsOf } = JSON.parse(line);
  if (fieldsOf) { process.stdout.write(JSON.stringify(Conditions.fieldsOf(fieldsOf)) + "\n"); return; }
  const read = function (name) { return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined; };
  process.stdout.write(JSON.stringify(Conditions.evaluate(cond, read)) + "\n");
});
