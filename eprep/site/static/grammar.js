/* The eprep answer grammar (eprep/grammar/GRAMMAR.md) in plain JavaScript.
 * Classic script: defines the global `EprepGrammar` (and module.exports under Node).
 * Nothing here calls eval or Function: input is tokenized, parsed into an AST and walked. */
(function (root) {
  "use strict";

  var MAX_LENGTH = 500, MAX_DEPTH = 40, MAX_NODES = 300, MAX_DIGITS = 20, MAX_LITERAL = 1e15;
  var MAX_CONST_POWER = 1e30, MAX_EXPONENT = 100, MAX_NAME = 24, MAX_DIFF_ORDER = 4;

  var GREEK = { "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "η": "eta", "θ": "theta", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "π": "pi" };
  var CHAR_MAP = { "²": "^2", "³": "^3", "·": "*", "×": "*", "∙": "*", "÷": "/",
    "\u2212": "-", "–": "-" };
  var ALIASES = { eps: "epsilon", lam: "lambda" };
  // name -> [min arity, max arity]
  var FUNCTIONS = { exp: [1, 1], log: [1, 2], sqrt: [1, 1], abs: [1, 1], sin: [1, 1],
    cos: [1, 1], tan: [1, 1], tanh: [1, 1], sinh: [1, 1], cosh: [1, 1], sigmoid: [1, 1],
    softplus: [1, 1], max: [2, Infinity], min: [2, Infinity], floor: [1, 1], ceil: [1, 1],
    diff: [2, 3] };
  // `lambda` is a Greek letter here, so it is not on the keyword list.
  var KEYWORDS = ["False", "None", "True", "and", "as", "assert", "async", "await", "break",
    "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
    "global", "if", "import", "in", "is", "nonlocal", "not", "or", "pass", "raise",
    "return", "try", "while", "with", "yield"];

  function GrammarError(message, position) {
    this.name = "GrammarError";
    this.message = message;
    this.position = position;
  }
  GrammarError.prototype.toString = function () {
    return "col " + this.position + ": " + this.message;
  };

  function EvaluationError(message) {
    this.name = "EvaluationError";
    this.message = message;
  }
  EvaluationError.prototype.toString = function () { return this.message; };

  /* Normalise characters; `pos[i]` is the 1-based column in the original of output char i. */
  function normalise(text) {
    var out = "", pos = [];
    var chars = Array.from(text), col = 1;
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i], rep = CHAR_MAP[ch];
      if (rep === undefined) rep = GREEK[ch];
      if (rep === undefined) rep = ch.normalize("NFKC");
      for (var j = 0; j < rep.length; j++) { out += rep[j]; pos.push(col); }
      col += 1;
    }
    pos.push(col);
    return { text: out, pos: pos };
  }

  function isDigit(c) { return c >= "0" && c <= "9"; }
  function isNameStart(c) { return /^[A-Za-z_]$/.test(c); }
  function isNameChar(c) { return /^[A-Za-z0-9_]$/.test(c); }

  function describe(tok) {
    if (tok.type === "end") return "end of input";
    return "'" + tok.text + "'";
  }

  function tokenize(norm) {
    var s = norm.text, pos = norm.pos, tokens = [], i = 0;
    while (i < s.length) {
      var c = s[i], start = i;
      if (c === " ") { i++; continue; }
      if (isDigit(c) || (c === "." && isDigit(s[i + 1] || ""))) {
        while (isDigit(s[i] || "")) i++;
        if (s[i] === ".") { i++; while (isDigit(s[i] || "")) i++; }
        if (s[i] === "e" || s[i] === "E") {
          var k = i + 1;
          if (s[k] === "+" || s[k] === "-") k++;
          if (isDigit(s[k] || "")) { i = k; while (isDigit(s[i] || "")) i++; }
        }
        var text = s.slice(start, i);
        tokens.push({ type: "num", text: text, value: parseFloat(text), pos: pos[start] });
        continue;
      }
      if (isNameStart(c)) {
        while (i < s.length && isNameChar(s[i])) i++;
        tokens.push({ type: "name", text: s.slice(start, i), pos: pos[start] });
        continue;
      }
      if (c === "*" && s[i + 1] === "*") {
        tokens.push({ type: "op", text: "^", pos: pos[start] });
        i += 2; continue;
      }
      if ("+-*/^(),".indexOf(c) >= 0) {
        tokens.push({ type: "op", text: c, pos: pos[start] });
        i++; continue;
      }
      throw new GrammarError("unexpected character '" + c + "'", pos[start]);
    }
    tokens.push({ type: "end", text: "", pos: pos[s.length] });
    return tokens;
  }

  function Parser(tokens, variables) {
    this.tokens = tokens; this.i = 0; this.depth = 0; this.nodes = 0;
    this.variables = variables || {};
  }
  Parser.prototype.peek = function () { return this.tokens[this.i]; };
  Parser.prototype.next = function () { return this.tokens[this.i++]; };
  Parser.prototype.isOp = function (t) { var k = this.peek(); return k.type === "op" && k.text === t; };
  Parser.prototype.node = function (n) {
    this.nodes++;
    if (this.nodes > MAX_NODES) throw new GrammarError("expression has more than " + MAX_NODES + " nodes", n.pos);
    return n;
  };
  Parser.prototype.enter = function (tok) {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw new GrammarError("nesting deeper than " + MAX_DEPTH, tok.pos);
  };
  Parser.prototype.leave = function () { this.depth--; };
  Parser.prototype.expect = function (t, what) {
    var tok = this.peek();
    if (tok.type === "op" && tok.text === t) return this.next();
    throw new GrammarError("unexpected " + describe(tok) + " — expected " + what, tok.pos);
  };

  Parser.prototype.expr = function () {
    var left = this.term();
    while (this.isOp("+") || this.isOp("-")) {
      var op = this.next();
      this.enter(op);
      var right = this.term();
      this.leave();
      left = this.node({ type: "BinOp", op: op.text, left: left, right: right, pos: op.pos });
    }
    return left;
  };
  Parser.prototype.startsAtom = function () {
    var t = this.peek();
    return t.type === "num" || t.type === "name" || (t.type === "op" && t.text === "(");
  };
  Parser.prototype.term = function () {
    var left = this.unary();
    for (;;) {
      var op;
      if (this.isOp("*") || this.isOp("/")) {
        op = this.next();
        this.enter(op);
        var right = this.unary();
        this.leave();
        left = this.node({ type: "BinOp", op: op.text, left: left, right: right, pos: op.pos });
      } else if (this.startsAtom()) {
        op = this.peek();
        this.enter(op);
        var r = this.power();
        this.leave();
        left = this.node({ type: "BinOp", op: "*", left: left, right: r, pos: op.pos });
      } else {
        return left;
      }
    }
  };
  Parser.prototype.unary = function () {
    if (this.isOp("-") || this.isOp("+")) {
      var op = this.next();
      this.enter(op);
      var operand = this.unary();
      this.leave();
      if (op.text === "+") return operand;
      return this.node({ type: "Neg", operand: operand, pos: op.pos });
    }
    return this.power();
  };
  Parser.prototype.power = function () {
    var base = this.atom();
    if (this.isOp("^")) {
      var op = this.next();
      this.enter(op);
      var exponent = this.unary();
      this.leave();
      var n = this.node({ type: "BinOp", op: "^", left: base, right: exponent, pos: op.pos });
      checkPower(n);
      return n;
    }
    return base;
  };
  Parser.prototype.atom = function () {
    var tok = this.peek();
    if (tok.type === "num") {
      this.next();
      // Literal limits are checked as the parser reaches the number, like the Python parser.
      if (tok.text.replace(/[eE].*$/, "").replace(".", "").length > MAX_DIGITS)
        throw new GrammarError("number " + tok.text + " has more than " + MAX_DIGITS + " digits", tok.pos);
      if (!(Math.abs(tok.value) <= MAX_LITERAL))
        throw new GrammarError("number " + tok.text + " is larger than 1e15", tok.pos);
      return this.node({ type: "Num", value: tok.value, text: tok.text, pos: tok.pos });
    }
    if (tok.type === "op" && tok.text === "(") {
      this.next();
      this.enter(tok);
      var inner = this.expr();
      this.leave();
      this.expect(")", "')'");
      return inner;
    }
    if (tok.type === "name") {
      this.next();
      return this.name(tok);
    }
    throw new GrammarError("unexpected " + describe(tok) + " — expected a number, a name or '('", tok.pos);
  };
  Parser.prototype.name = function (tok) {
    var name = tok.text;
    if (name.length > MAX_NAME) throw new GrammarError("name '" + name + "' is longer than " + MAX_NAME + " characters", tok.pos);
    if (KEYWORDS.indexOf(name) >= 0) throw new GrammarError("'" + name + "' is a reserved word", tok.pos);
    if (name.length > 4 && name.slice(0, 2) === "__" && name.slice(-2) === "__")
      throw new GrammarError("'" + name + "' is not allowed", tok.pos);
    if (ALIASES[name]) name = ALIASES[name];
    var declared = Object.prototype.hasOwnProperty.call(this.variables, name);
    var func = name === "ln" ? "log" : name;
    if (func === "sigma" && !declared) func = "sigmoid";
    var isFunc = Object.prototype.hasOwnProperty.call(FUNCTIONS, func) && !(name === "sigma" && declared);
    if (isFunc) {
      if (!this.isOp("(")) throw new GrammarError("function '" + tok.text + "' needs '(' after it", tok.pos);
      var open = this.next();
      this.enter(open);
      var args = [this.expr()];
      while (this.isOp(",")) { this.next(); args.push(this.expr()); }
      this.leave();
      this.expect(")", "')' or ','");
      var ar = FUNCTIONS[func];
      if (args.length < ar[0] || args.length > ar[1])
        throw new GrammarError("function '" + tok.text + "' takes " + arityText(ar) + ", got " + args.length, tok.pos);
      if (func === "diff") checkDiff(args, tok);
      return this.node({ type: "Call", func: func, args: args, pos: tok.pos });
    }
    var constant = constantOf(name, declared);
    if (constant === null && !declared) {
      var known = Object.keys(this.variables).sort();
      throw new GrammarError("unknown name '" + name + "' (the variables are: " + (known.length ? known.join(", ") : "none") + ")", tok.pos);
    }
    return this.node({ type: "Sym", name: name, pos: tok.pos, constant: constant });
  };

  function arityText(ar) {
    if (ar[1] === Infinity) return "at least " + ar[0] + " arguments";
    if (ar[0] === ar[1]) return ar[0] + (ar[0] === 1 ? " argument" : " arguments");
    return ar[0] + " or " + ar[1] + " arguments";
  }
  function constantOf(name, declared) {
    if (declared) return null;
    if (name === "pi") return Math.PI;
    if (name === "e") return Math.E;
    return null;
  }
  function checkDiff(args, tok) {
    if (args[1].type !== "Sym" || args[1].constant !== null)
      throw new GrammarError("diff: the second argument must be a variable name", tok.pos);
    var order = 1;
    if (args.length === 3) {
      var n = args[2];
      if (n.type !== "Num" || !(n.value === Math.floor(n.value) && n.value >= 1 && n.value <= 4))
        throw new GrammarError("diff: the order must be an integer 1..4", n.pos);
      order = n.value;
    }
    if (order + diffOrder(args[0]) > MAX_DIFF_ORDER)
      throw new GrammarError("derivatives of total order above " + MAX_DIFF_ORDER + " are not allowed", tok.pos);
  }
  /* The largest total order of nested diff calls inside a node. */
  function diffOrder(node) {
    if (node.type === "Neg") return diffOrder(node.operand);
    if (node.type === "BinOp") return Math.max(diffOrder(node.left), diffOrder(node.right));
    if (node.type === "Call") {
      if (node.func === "diff") return (node.args.length === 3 ? node.args[2].value : 1) + diffOrder(node.args[0]);
      return Math.max.apply(null, node.args.map(diffOrder));
    }
    return 0;
  }
  /* The value of a subtree without free variables, or null. */
  function constValue(node) {
    if (node.type === "Num") return node.value;
    if (node.type === "Sym") return node.constant;
    if (node.type === "Call" && node.func === "diff") return null;
    var free = false;
    walk(node, function (n) { if (n.type === "Sym" && n.constant === null) free = true; });
    if (free) return null;
    try { return evaluate(node, {}); } catch (e) { return NaN; }
  }
  function walk(node, fn) {
    fn(node);
    if (node.type === "Neg") walk(node.operand, fn);
    else if (node.type === "BinOp") { walk(node.left, fn); walk(node.right, fn); }
    else if (node.type === "Call") node.args.forEach(function (a) { walk(a, fn); });
    else if (node.type === "Pick") node.args.concat(node.dargs).forEach(function (a) { walk(a, fn); });
  }
  function checkPower(n) {
    var ex = constValue(n.right);
    if (ex === null) return;
    if (!(Math.abs(ex) <= MAX_EXPONENT)) throw new GrammarError("exponent too large (limit " + MAX_EXPONENT + ")", n.pos);
    var base = constValue(n.left);
    if (base === null) return;
    var v = Math.pow(base, ex);
    if (Math.abs(v) > MAX_CONST_POWER) throw new GrammarError("power too large (limit 1e30)", n.pos);
  }

  function parse(text, options) {
    options = options || {};
    if (typeof text !== "string") throw new GrammarError("input is not text", 1);
    if (Array.from(text).length > MAX_LENGTH)
      throw new GrammarError("input longer than " + MAX_LENGTH + " characters", 1);
    var norm = normalise(text);
    var tokens = tokenize(norm);
    var vars = {};
    (options.variables || []).forEach(function (v) { vars[ALIASES[v] || v] = true; });
    var p = new Parser(tokens, vars);
    if (p.peek().type === "end") throw new GrammarError("empty input — expected a number, a name or '('", p.peek().pos);
    var tree = p.expr();
    var t = p.peek();
    if (t.type !== "end") {
      var msg = t.type === "op" && t.text === ")" ? "unmatched ')'" : "unexpected " + describe(t) + " — expected an operator or end of input";
      throw new GrammarError(msg, t.pos);
    }
    return tree;
  }

  /* ---- evaluation ---- */
  function sigmoid(x) { return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)); }
  function softplus(x) { return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }
  function finite(v, what) {
    if (typeof v !== "number" || !isFinite(v)) throw new EvaluationError(what + " is not a finite real number");
    return v;
  }
  function evalCall(name, a) {
    switch (name) {
      case "exp": return finite(Math.exp(a[0]), "exp(…)");
      case "log": {
        if (a[0] <= 0) throw new EvaluationError("log of a non-positive number");
        if (a.length === 2) {
          if (a[1] <= 0 || a[1] === 1) throw new EvaluationError("log base must be positive and not 1");
          return Math.log(a[0]) / Math.log(a[1]);
        }
        return Math.log(a[0]);
      }
      case "sqrt": if (a[0] < 0) throw new EvaluationError("sqrt of a negative number"); return Math.sqrt(a[0]);
      case "abs": return Math.abs(a[0]);
      case "sin": return Math.sin(a[0]);
      case "cos": return Math.cos(a[0]);
      case "tan": return finite(Math.tan(a[0]), "tan(…)");
      case "tanh": return Math.tanh(a[0]);
      case "sinh": return finite(Math.sinh(a[0]), "sinh(…)");
      case "cosh": return finite(Math.cosh(a[0]), "cosh(…)");
      case "sigmoid": return sigmoid(a[0]);
      case "softplus": return softplus(a[0]);
      case "max": return Math.max.apply(null, a);
      case "min": return Math.min.apply(null, a);
      case "floor": return Math.floor(a[0]);
      case "ceil": return Math.ceil(a[0]);
    }
    throw new EvaluationError("unknown function " + name);
  }
  function evaluate(node, env) {
    env = env || {};
    switch (node.type) {
      case "Num": return node.value;
      case "Sym":
        if (Object.prototype.hasOwnProperty.call(env, node.name)) return Number(env[node.name]);
        if (node.constant !== null && node.constant !== undefined) return node.constant;
        throw new EvaluationError("no value for '" + node.name + "'");
      case "Neg": return -evaluate(node.operand, env);
      case "BinOp": {
        var l = evaluate(node.left, env), r = evaluate(node.right, env);
        switch (node.op) {
          case "+": return finite(l + r, "a sum");
          case "-": return finite(l - r, "a difference");
          case "*": return finite(l * r, "a product");
          case "/": if (r === 0) throw new EvaluationError("division by zero"); return finite(l / r, "a quotient");
          case "^": return finite(Math.pow(l, r), "a power");
        }
        break;
      }
      case "Call":
        if (node.func === "diff") return evaluate(derivativeOf(node), env);
        return evalCall(node.func, node.args.map(function (a) { return evaluate(a, env); }));
    }
    throw new EvaluationError("cannot evaluate node " + node.type);
  }

  /* ---- symbolic differentiation, for diff(expr, var, n) ---- */
  function num(v) { return { type: "Num", value: v, text: String(v) }; }
  function bin(op, l, r) { return { type: "BinOp", op: op, left: l, right: r }; }
  function call(f, args) { return { type: "Call", func: f, args: args }; }
  function neg(x) { return { type: "Neg", operand: x }; }
  function isZero(n) { return n.type === "Num" && n.value === 0; }
  function isOne(n) { return n.type === "Num" && n.value === 1; }
  function add(a, b) { return isZero(a) ? b : isZero(b) ? a : bin("+", a, b); }
  function sub(a, b) { return isZero(b) ? a : isZero(a) ? neg(b) : bin("-", a, b); }
  function mul(a, b) {
    if (isZero(a) || isZero(b)) return num(0);
    return isOne(a) ? b : isOne(b) ? a : bin("*", a, b);
  }
  function div(a, b) { return isZero(a) ? num(0) : bin("/", a, b); }
  function dependsOn(node, v) {
    var found = false;
    walk(node, function (n) { if (n.type === "Sym" && n.name === v) found = true; });
    return found;
  }
  function derivativeOf(node) {
    var order = node.args.length === 3 ? node.args[2].value : 1;
    var target = node.args[1].name, out = node.args[0];
    for (var k = 0; k < order; k++) out = d(out, target);
    return out;
  }
  function d(n, v) {
    if (!dependsOn(n, v)) {
      if (n.type === "Call" && n.func === "diff") return d(derivativeOf(n), v);
      return num(0);
    }
    switch (n.type) {
      case "Sym": return num(1);
      case "Neg": { var dn = d(n.operand, v); return isZero(dn) ? dn : neg(dn); }
      case "BinOp": {
        var f = n.left, g = n.right, df = d(f, v), dg = d(g, v);
        switch (n.op) {
          case "+": return add(df, dg);
          case "-": return sub(df, dg);
          case "*": return add(mul(df, g), mul(f, dg));
          case "/": return div(sub(mul(df, g), mul(f, dg)), bin("^", g, num(2)));
          case "^":
            if (!dependsOn(g, v)) return mul(mul(g, bin("^", f, sub(g, num(1)))), df);
            // d(f^g) = f^g * (g' log f + g f'/f)
            return mul(n, add(mul(dg, call("log", [f])), div(mul(g, df), f)));
        }
        break;
      }
      case "Call": {
        var u = n.args[0], du = d(u, v);
        switch (n.func) {
          case "exp": return mul(n, du);
          case "log":
            if (n.args.length === 2) return d(div(call("log", [u]), call("log", [n.args[1]])), v);
            return div(du, u);
          case "sqrt": return div(du, mul(num(2), n));
          case "abs": return mul(div(u, n), du);
          case "sin": return mul(call("cos", [u]), du);
          case "cos": return mul(neg(call("sin", [u])), du);
          case "tan": return mul(add(num(1), bin("^", n, num(2))), du);
          case "tanh": return mul(sub(num(1), bin("^", n, num(2))), du);
          case "sinh": return mul(call("cosh", [u]), du);
          case "cosh": return mul(call("sinh", [u]), du);
          case "sigmoid": return mul(mul(n, sub(num(1), n)), du);
          case "softplus": return mul(call("sigmoid", [u]), du);
          case "floor": case "ceil": return num(0);
          case "max": case "min": return { type: "Pick", func: n.func, args: n.args, dargs: n.args.map(function (a) { return d(a, v); }) };
          case "diff": return d(derivativeOf(n), v);
        }
        break;
      }
      case "Pick":
        return { type: "Pick", func: n.func, args: n.args, dargs: n.dargs.map(function (a) { return d(a, v); }) };
    }
    throw new EvaluationError("cannot differentiate this expression");
  }
  // max/min derivative: the derivative of the argument that attains the extreme value.
  var baseEvaluate = evaluate;
  evaluate = function (node, env) {
    if (node.type === "Pick") {
      var vals = node.args.map(function (a) { return baseEvaluate(a, env || {}); });
      var best = 0;
      for (var i = 1; i < vals.length; i++)
        if (node.func === "max" ? vals[i] > vals[best] : vals[i] < vals[best]) best = i;
      return evaluate(node.dargs[best], env);
    }
    return baseEvaluate(node, env);
  };

  /* ---- comparing numbers as the checker does ---- */
  function close(a, b, rel, abs) {
    return Math.abs(a - b) <= Math.max(rel * Math.max(Math.abs(a), Math.abs(b)), abs);
  }

  var api = { parse: parse, evaluate: function (n, env) { return evaluate(n, env); },
    GrammarError: GrammarError, EvaluationError: EvaluationError, close: close,
    freeNames: function (node) {
      var names = {};
      walk(node, function (n) { if (n.type === "Sym" && n.constant === null) names[n.name] = true; });
      return Object.keys(names).sort();
    } };
  root.EprepGrammar = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
