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

  /* The checker's precision rule (eprep/checker/precision.py): right within the tolerance or
   * within half a unit of the last figure asked; a near miss within five units, same sign.
   * `unit` comes from the build (Precision.unit), null when the exact value is asked. */
  var SLACK = 1 + 1e-9;
  function rounded(v, data) {
    if (close(v, data.key, data.tolerance)) return true;
    return data.unit !== null && data.unit !== undefined && Math.abs(v - data.key) <= 0.5 * data.unit * SLACK;
  }
  function nearMiss(v, data) {
    if (data.unit === null || data.unit === undefined || rounded(v, data) || v * data.key <= 0) return false;
    return Math.abs(v - data.key) <= 5 * data.unit * SLACK;
  }

  function show(form, ok, text, feedbackNode) {
    showAll(form, ok, text, feedbackNode ? [feedbackNode] : []);
  }

  function showNear(form, text) {
    show(form, false, text);
    form.querySelector(".result").className = "result wrong near";
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

  /* ---- "read as": a LaTeX or notation answer shown typeset (MathML built with the DOM from the
   * parsed tree, so learner text is never markup), as eprep/grammar/latex.py typesets formulas ---- */
  var MATHML = "http://www.w3.org/1998/Math/MathML";
  var GREEK = { alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", zeta: "ζ", eta: "η",
    theta: "θ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
    sigma: "σ", tau: "τ", upsilon: "υ", phi: "φ", chi: "χ", psi: "ψ", omega: "ω", Gamma: "Γ",
    Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Pi: "Π", Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω" };
  var ACCENT = { _hat: "^", _bar: "¯", _tilde: "~" };
  function el(tag, children, text) {
    var node = document.createElementNS(MATHML, tag);
    if (text !== undefined) node.textContent = text;
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }
  function mo(text) { return el("mo", [], text); }
  function paren(inner) { return el("mrow", [mo("("), inner, mo(")")]); }
  function mname(name) {
    var accent = null;
    Object.keys(ACCENT).forEach(function (a) {
      if (name.length > a.length && name.slice(-a.length) === a) { accent = ACCENT[a]; name = name.slice(0, -a.length); }
    });
    var cut = name.indexOf("_"), base = cut > 0 ? name.slice(0, cut) : name, sub = cut > 0 ? name.slice(cut + 1) : "";
    var digits = /^(.*?[A-Za-z])(\d+)$/.exec(base);
    if (!sub && digits) { base = digits[1]; sub = digits[2]; }
    var body = el("mi", [], GREEK[base] || base);
    if (base.length > 1 && !GREEK[base]) body.setAttribute("mathvariant", "normal");
    if (accent) body = el("mover", [body, mo(accent)]);
    if (sub) body = el("msub", [body, sub.indexOf("_") >= 0 || !GREEK[sub] ? el("mi", [], sub) : el("mi", [], GREEK[sub])]);
    return body;
  }
  var PREC = { "+": 1, "-": 1, "*": 2, "/": 5, "^": 4 };
  function prec(n) { return n.type === "BinOp" ? PREC[n.op] : n.type === "Neg" ? 3 : 5; }
  function wrap(n, yes) { var m = mathml(n); return yes ? paren(m) : m; }
  function mathml(n) {
    if (n.type === "Num") return el("mn", [], n.text);
    if (n.type === "Sym") return n.constant !== null && n.constant !== undefined ? el("mi", [], n.name === "pi" ? "π" : "e") : mname(n.name);
    if (n.type === "Neg") return el("mrow", [mo("−"), wrap(n.operand, prec(n.operand) <= 3)]);
    if (n.type === "Call") {
      var args = n.args.map(mathml);
      if (n.func === "sqrt") return el("msqrt", [args[0]]);
      if (n.func === "abs") return el("mrow", [mo("|"), args[0], mo("|")]);
      if (n.func === "diff") {
        var order = n.args.length === 3 ? n.args[2].text : null;
        var d = order ? el("msup", [el("mi", [], "d"), el("mn", [], order)]) : el("mi", [], "d");
        var dx = el("mrow", [el("mi", [], "d"), order ? el("msup", [args[1], el("mn", [], order)]) : args[1]]);
        return el("mrow", [el("mfrac", [d, dx]), paren(args[0])]);
      }
      var name = n.func === "sigmoid" ? el("mi", [], "σ") : el("mi", [], n.func);
      var inner = [];
      args.forEach(function (a, k) { if (k) inner.push(mo(",")); inner.push(a); });
      return el("mrow", [name, paren(el("mrow", inner))]);
    }
    var l = n.left, r = n.right;
    if (n.op === "/") return el("mfrac", [mathml(l), mathml(r)]);
    if (n.op === "^") return el("msup", [wrap(l, prec(l) <= 4 || (l.type === "Call" && l.func !== "sqrt")), mathml(r)]);
    if (n.op === "*") {
      var rhs = wrap(r, prec(r) <= 2 || r.type === "Neg");
      var digit = r.type === "Num" || (r.type === "BinOp" && r.op === "^" && r.left.type === "Num");
      return el("mrow", [wrap(l, prec(l) < 2), mo(digit ? "·" : "\u2062"), rhs]);
    }
    return el("mrow", [mathml(l), mo(n.op === "-" ? "−" : "+"), wrap(r, prec(r) <= 1 || r.type === "Neg")]);
  }
  function notation(text) {
    var R = window.EprepTexReader;
    return (R && R.isLatex(text)) || /[√'′∂|]|d\s*\/\s*d/.test(text);
  }
  /* Append "Read as: <typeset formula>" to the result box for a LaTeX or notation answer. */
  function readAs(form, text, tree) {
    if (!tree || !notation(text)) return;
    var line = document.createElement("p");
    line.className = "read-as";
    line.appendChild(document.createTextNode(T.read_as + " "));
    var math = el("math", [mathml(tree)]);
    line.appendChild(math);
    form.querySelector(".result").appendChild(line);
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
    if (rounded(got.value, data)) { show(form, true, T.right); return; }
    for (var m = 0; m < data.mistakes.length; m++) {
      // known mistakes are matched with the same rule, as the checker matches them
      if (data.mistakes[m] !== null && rounded(got.value, { key: data.mistakes[m], unit: data.mistake_units[m], tolerance: data.tolerance })) {
        show(form, false, T.known, form.querySelector('[data-mistake-feedback="' + m + '"]'));
        return;
      }
    }
    if (nearMiss(got.value, data)) { showNear(form, fmt(T.near, { got: num(got.value) })); return; }
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
      var input = form.querySelector("input.answer");
      if (input && data.check !== "choice" && data.check !== "blanks") {
        var text = input.value, tree = null;
        var allowed = (data.variables || []).concat(Object.keys(data.params || {}));
        try { tree = G.parse(text, { variables: allowed }); } catch (e) { tree = null; }
        readAs(form, text, tree);
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.selfcheck"), setUp);
})();
