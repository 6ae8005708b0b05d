/* Self-check widgets: choice/code, numeric and expression questions. Classic script, no network.
 * Each form carries its build-time data (test points, key and known-mistake values) as JSON. */
(function () {
  "use strict";
  var G = window.EprepGrammar;
  var T = JSON.parse(document.getElementById("ui-strings").textContent);

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function num(v) {
    if (Number.isInteger(v)) return String(v);
    var t = Number(v).toPrecision(6);
    if (t.indexOf("e") < 0 && t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return t;
  }
  function pointText(point) {
    return Object.keys(point).sort().map(function (k) { return k + "=" + num(point[k]); }).join(", ");
  }
  /* The vocabulary's one "close enough" rule (eprep/grammar/vocabulary.py close). */
  function close(a, b, tol) {
    if (!isFinite(a) || !isFinite(b)) return a === b;
    return Math.abs(a - b) <= Math.max(tol.rel * Math.max(Math.abs(a), Math.abs(b)), tol.abs);
  }

  function show(form, ok, text, feedbackNode) {
    showAll(form, ok, text, feedbackNode ? [feedbackNode] : []);
  }

  function showAll(form, ok, text, feedbackNodes) {
    var box = form.querySelector(".result");
    box.className = "result " + (ok ? "right" : "wrong");
    box.textContent = "";
    var line = document.createElement("p");
    line.className = "verdict";
    line.textContent = text;
    box.appendChild(line);
    feedbackNodes.forEach(function (node) {
      if (!node || !node.innerHTML.trim()) return;
      var fb = document.createElement("div");
      fb.className = "feedback";
      fb.innerHTML = node.innerHTML; // build-time HTML from the bank, never learner text
      box.appendChild(fb);
    });
  }

  function checkChoice(form, data) {
    var picked = form.querySelector("input[type=radio]:checked");
    if (!picked) { show(form, false, T.choose); return; }
    var index = Number(picked.value);
    var ok = index === data.correct;
    show(form, ok, ok ? T.right : T.wrong, form.querySelector('[data-option-feedback="' + index + '"]'));
  }

  /* A code listing: every blank must hold its key; each wrong blank shows its own feedback. */
  function checkBlanks(form, data) {
    var ok = true, notes = [];
    for (var b = 0; b < data.correct.length; b++) {
      var picked = form.querySelector('fieldset[data-blank="' + b + '"] input[type=radio]:checked');
      if (!picked) { show(form, false, T.choose); return; }
      var index = Number(picked.value);
      if (index !== data.correct[b]) {
        ok = false;
        notes.push(form.querySelector('[data-blank-feedback="' + b + '-' + index + '"]'));
      }
    }
    showAll(form, ok, ok ? T.right : T.wrong, notes);
  }

  /* Parse the learner's text; returns the AST or shows the error and returns null. */
  function readAnswer(form, text, allowed) {
    if (!text.trim()) { show(form, false, T.empty); return null; }
    var tree;
    try {
      tree = G.parse(text, { variables: allowed });
    } catch (e) {
      if (e instanceof G.GrammarError) {
        show(form, false, fmt(T.unreadable, { col: e.position, msg: e.message }));
        markPosition(form, e.position);
        return null;
      }
      throw e;
    }
    var unknown = G.freeNames(tree).filter(function (n) { return allowed.indexOf(n) < 0; });
    if (unknown.length) {
      show(form, false, fmt(T.unknown_name, { name: unknown[0], names: allowed.join(", ") || "numbers" }));
      return null;
    }
    return tree;
  }

  function markPosition(form, col) {
    var input = form.querySelector("input.answer");
    var at = Math.max(0, Math.min(input.value.length, col - 1));
    input.focus();
    input.setSelectionRange(at, Math.min(input.value.length, at + 1));
  }

  function evalAt(tree, env) {
    try { return { value: G.evaluate(tree, env) }; } catch (e) { return { error: e.message || String(e) }; }
  }

  function checkNumeric(form, data) {
    var input = form.querySelector("input.answer");
    var tree = readAnswer(form, input.value, []);
    if (!tree) return;
    var got = evalAt(tree, {});
    if (got.error !== undefined) { show(form, false, fmt(T.eval_error, { point: "—", msg: got.error })); return; }
    if (close(got.value, data.key, data.tolerance)) { show(form, true, T.right); return; }
    for (var m = 0; m < data.mistakes.length; m++) {
      if (data.mistakes[m] !== null && close(got.value, data.mistakes[m], data.tolerance)) {
        show(form, false, T.known, form.querySelector('[data-mistake-feedback="' + m + '"]'));
        return;
      }
    }
    show(form, false, fmt(T.wrong_number, { got: num(got.value) }));
  }

  function checkExpression(form, data) {
    var input = form.querySelector("input.answer");
    var allowed = data.variables.concat(Object.keys(data.params)).sort();
    var tree = readAnswer(form, input.value, allowed);
    if (!tree) return;
    var values = [];
    for (var i = 0; i < data.points.length; i++) {
      var env = Object.assign({}, data.params, data.points[i]);
      var got = evalAt(tree, env);
      if (got.error !== undefined) {
        show(form, false, fmt(T.eval_error, { point: pointText(data.points[i]), msg: got.error }));
        return;
      }
      values.push(got.value);
    }
    var tol = data.tolerance;
    var matches = function (expected) {
      var compared = 0;
      for (var j = 0; j < values.length; j++) {
        if (expected[j] === null) continue;
        if (!close(values[j], expected[j], tol)) return false;
        compared++;
      }
      return compared > 0;
    };
    if (matches(data.key)) { show(form, true, T.right); return; }
    for (var m = 0; m < data.mistakes.length; m++) {
      if (matches(data.mistakes[m])) {
        show(form, false, T.known, form.querySelector('[data-mistake-feedback="' + m + '"]'));
        return;
      }
    }
    for (var k = 0; k < values.length; k++) {
      if (!close(values[k], data.key[k], tol)) {
        show(form, false, fmt(T.wrong_at, { point: pointText(data.points[k]), got: num(values[k]), want: num(data.key[k]) }));
        return;
      }
    }
  }

  var CHECKS = { choice: checkChoice, blanks: checkBlanks, numeric: checkNumeric, expression: checkExpression };

  function setUp(form) {
    var data = JSON.parse(form.querySelector("script.check-data").textContent);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      (CHECKS[data.check] || checkExpression)(form, data);
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.selfcheck"), setUp);
})();
