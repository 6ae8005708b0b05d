/* The eprep answer grammar (eprep/grammar/GRAMMAR.md) in plain JavaScript.
 * Classic script: defines the global `EprepGrammar` (and module.exports under Node).
 * Nothing here calls eval or Function: input is tokenized, parsed into an AST and walked. */
(function (root) {
  "use strict";

  var MAX_LENGTH = 500, MAX_DEPTH = 40, MAX_NODES = 300, MAX_DIGITS = 20, MAX_LITERAL = 1e15;
  var MAX_CONST_POWER = 1e30, MAX_EXPONENT = 100, MAX_INTEGER_EXPONENT = 10000, MAX_NAME = 24, MAX_DIFF_ORDER = 4;

  var GREEK = { "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon",
    "η": "eta", "θ": "theta", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "π": "pi" };
  var CHAR_MAP = { "²": "^2", "³": "^3", "·": "*", "×": "*", "∙": "*", "÷": "/",
    "\u2212": "-", "–": "-" };
  var ALIASES = { eps: "epsilon", lam: "lambda" };
  // name -> [min arity, max arity]
  // (mirrors eprep/grammar/functions.py, the one table of the Python side)
  var FUNCTIONS = { exp: [1, 1], log: [1, 2], sqrt: [1, 1], abs: [1, 1], sin: [1, 1],
    cos: [1, 1], tan: [1, 1], asin: [1, 1], acos: [1, 1], atan: [1, 1], tanh: [1, 1],
    sinh: [1, 1], cosh: [1, 1], sigmoid: [1, 1], softplus: [1, 1], sign: [1, 1], erf: [1, 1],
    max: [2, Infinity], min: [2, Infinity], floor: [1, 1], ceil: [1, 1], diff: [2, 3] };
  var FUNCTION_ALIASES = { ln: "log", sgn: "sign", arcsin: "asin", arccos: "acos", arctan: "atan" };
  var SUGGESTIONS = { sec: "1/cos(x)", csc: "1/sin(x)", cosec: "1/sin(x)", cot: "1/tan(x)",
    log10: "log(x, 10)", lg: "log(x, 10)", log2: "log(x, 2)", relu: "max(0, x)",
    ReLU: "max(0, x)", erfc: "1 - erf(x)", Phi: "(1 + erf(x/sqrt(2)))/2",
    gelu: "x*(1 + erf(x/sqrt(2)))/2", GELU: "x*(1 + erf(x/sqrt(2)))/2",
    asinh: "log(x + sqrt(x^2 + 1))", arsinh: "log(x + sqrt(x^2 + 1))",
    acosh: "log(x + sqrt(x^2 - 1))", atanh: "log((1 + x)/(1 - x))/2", coth: "1/tanh(x)",
    sech: "1/cosh(x)", expm1: "exp(x) - 1", log1p: "log(1 + x)", pow: "x^y", square: "x^2",
    sum: "a + b + …", mean: "(a + b + …)/n" };
  var FUNCTION_LETTERS = { f: true, g: true, h: true };
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

  function Parser(tokens, variables, functions) {
    this.tokens = tokens; this.i = 0; this.depth = 0; this.nodes = 0;
    this.variables = variables || {};
    this.functions = functions || {};
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
    var has = Object.prototype.hasOwnProperty;
    var declared = has.call(this.variables, name);
    var func = has.call(FUNCTION_ALIASES, name) ? FUNCTION_ALIASES[name] : name;
    if (func === "sigma" && !declared) func = "sigmoid";
    var isFunc = has.call(FUNCTIONS, func) && !(name === "sigma" && declared);
    var isDeclaredFunc = !isFunc && has.call(this.functions, name);
    if (isFunc || isDeclaredFunc) {
      if (!this.isOp("(")) throw new GrammarError("function '" + tok.text + "' needs '(' after it", tok.pos);
      var open = this.next();
      this.enter(open);
      var args = [this.expr()];
      while (this.isOp(",")) { this.next(); args.push(this.expr()); }
      this.leave();
      this.expect(")", "')' or ','");
      var ar = name === "ln" ? [1, 1] : FUNCTIONS[func];
      if (isDeclaredFunc) {
        var n = this.functions[name];
        ar = n === null || n === undefined ? [1, Infinity] : [n, n];
      }
      if (args.length < ar[0] || args.length > ar[1])
        throw new GrammarError("function '" + tok.text + "' takes " + arityText(ar) + ", got " + args.length, tok.pos);
      if (func === "diff") checkDiff(args, tok);
      return this.node({ type: "Call", func: func, args: args, pos: tok.pos });
    }
    var constant = constantOf(name, declared);
    if (constant === null && !declared && this.isOp("("))
      throw new GrammarError("unknown function '" + tok.text + "' — " + suggest(tok.text), tok.pos);
    if (constant === null && !declared) {
      var known = Object.keys(this.variables).sort();
      throw new GrammarError("unknown name '" + name + "' (the variables are: " + (known.length ? known.join(", ") : "none") + ")", tok.pos);
    }
    return this.node({ type: "Sym", name: name, pos: tok.pos, constant: constant });
  };

  function suggest(name) {
    if (Object.prototype.hasOwnProperty.call(SUGGESTIONS, name)) return "write " + SUGGESTIONS[name];
    if (name.length === 1) return "declare it (--function " + name + "; functions = ['" + name + "'] in a question)";
    return "write " + name + "*(...) for a product; the functions are " + Object.keys(FUNCTIONS).sort().join(", ");
  }
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
  function walk(node, fn) {
    fn(node);
    if (node.type === "Neg") walk(node.operand, fn);
    else if (node.type === "BinOp") { walk(node.left, fn); walk(node.right, fn); }
    else if (node.type === "Call") node.args.forEach(function (a) { walk(a, fn); });
  }
  /* LaTeX and notations such as d/dx are rewritten into the plain grammar first (tex_reader.js),
   * keeping each character's original column. */
  function read(text, declared) {
    var reader = root.EprepTexReader;
    if (!reader) return normalise(text);
    // the names f'(x) and tanh^2(x) treat as functions: the table, its aliases, declared ones
    var functions = Object.assign({ ln: [1, 1] }, FUNCTIONS, FUNCTION_ALIASES, declared || {});
    var t = reader.translate(text, functions);
    if (t.text === text) return normalise(text);
    if (Array.from(t.text).length > MAX_LENGTH)
      throw new GrammarError("input longer than " + MAX_LENGTH + " characters", 1);
    var norm = normalise(t.text);
    norm.pos = norm.pos.map(function (p) { return p - 1 < t.cols.length ? t.cols[p - 1] : t.endCol; });
    return norm;
  }
  function parse(text, options) {
    options = options || {};
    if (typeof text !== "string") throw new GrammarError("input is not text", 1);
    if (Array.from(text).length > MAX_LENGTH)
      throw new GrammarError("input longer than " + MAX_LENGTH + " characters", 1);
    var funcs = {};
    var declaredFuncs = options.functions || {};
    if (Array.isArray(declaredFuncs)) declaredFuncs.forEach(function (f) { funcs[f] = null; });
    else Object.keys(declaredFuncs).forEach(function (f) { funcs[f] = declaredFuncs[f]; });
    var norm = read(text, funcs);
    var tokens = tokenize(norm);
    var vars = {};
    (options.variables || []).forEach(function (v) { vars[ALIASES[v] || v] = true; });
    var p = new Parser(tokens, vars, funcs);
    if (p.peek().type === "end") throw new GrammarError("empty input — expected a number, a name or '('", p.peek().pos);
    var tree = p.expr();
    var t = p.peek();
    if (t.type !== "end") {
      var msg = t.type === "op" && t.text === ")" ? "unmatched ')'" : "unexpected " + describe(t) + " — expected an operator or end of input";
      throw new GrammarError(msg, t.pos);
    }
    return tree;
  }

  /* ---- evaluation (mirrors eprep/grammar/evaluator.py: intermediate infinities are allowed,
   * the math functions that raise in Python raise here, and the final value must be finite) ---- */
  function fail(kind, message) { var e = new EvaluationError(message); e.kind = kind; throw e; }
  function sigmoid(x) {
    if (x >= 0) return 1 / (1 + Math.exp(-x));
    var z = Math.exp(x);
    return z / (1 + z);
  }
  function softplus(x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
  function overflowIfInfinite(value, arg) {
    if (!isFinite(value) && isFinite(arg)) fail("overflow", "overflow");
    return value;
  }
  function pow(a, b) {
    if (a === 0 && b < 0) fail("domain", "math domain error");
    if (a < 0 && isFinite(b) && b !== Math.floor(b)) fail("domain", "math domain error");
    var v = Math.pow(a, b);
    if (!isFinite(v) && isFinite(a) && isFinite(b)) fail("overflow", "overflow");
    return v;
  }
  function logOf(x) {
    if (!(x > 0) && !isNaN(x)) fail("domain", "math domain error");
    return Math.log(x);
  }
  function trig(fn, x) {
    if (x === Infinity || x === -Infinity) fail("domain", "math domain error");
    return fn(x);
  }
  function inverseTrig(fn, x) {
    if (!(x >= -1 && x <= 1) && !isNaN(x)) fail("domain", "math domain error");
    return fn(x);
  }
  function sign(x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
  /* erf to double precision (JavaScript has no Math.erf): a series of positive terms below 3,
   * the continued fraction of erfc above (Abramowitz & Stegun 7.1.6 and 7.1.14). */
  function erf(x) {
    if (isNaN(x)) return x;
    var ax = Math.abs(x), s = x < 0 ? -1 : 1;
    if (ax >= 6) return s;
    if (ax < 3) {
      var term = ax, sum = ax, x2 = ax * ax;
      for (var n = 1; n < 200 && term > 1e-17 * sum; n++) {
        term *= 2 * x2 / (2 * n + 1);
        sum += term;
      }
      return s * 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
    }
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    var f = ax;
    for (var k = 60; k >= 1; k--) f = ax + (k / 2) / f;
    var erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return s * (1 - erfc);
  }
  function rounding(fn, x) {
    if (isNaN(x)) fail("domain", "math domain error");
    if (!isFinite(x)) fail("overflow", "overflow");
    return fn(x);
  }
  function evalCall(name, a) {
    switch (name) {
      case "exp": return overflowIfInfinite(Math.exp(a[0]), a[0]);
      case "log": {
        if (a.length === 1) return logOf(a[0]);
        var num = logOf(a[0]), den = logOf(a[1]);
        if (den === 0) fail("zero", "division by zero");
        return num / den;
      }
      case "sqrt": if (a[0] < 0) fail("domain", "math domain error"); return Math.sqrt(a[0]);
      case "abs": return Math.abs(a[0]);
      case "sin": return trig(Math.sin, a[0]);
      case "cos": return trig(Math.cos, a[0]);
      case "tan": return trig(Math.tan, a[0]);
      case "asin": return inverseTrig(Math.asin, a[0]);
      case "acos": return inverseTrig(Math.acos, a[0]);
      case "atan": return Math.atan(a[0]);
      case "sign": return sign(a[0]);
      case "erf": return erf(a[0]);
      case "tanh": return Math.tanh(a[0]);
      case "sinh": return overflowIfInfinite(Math.sinh(a[0]), a[0]);
      case "cosh": return overflowIfInfinite(Math.cosh(a[0]), a[0]);
      case "sigmoid": return sigmoid(a[0]);
      case "softplus": return softplus(a[0]);
      case "max": return a.reduce(function (m, v) { return v > m ? v : m; });
      case "min": return a.reduce(function (m, v) { return v < m ? v : m; });
      case "floor": return rounding(Math.floor, a[0]);
      case "ceil": return rounding(Math.ceil, a[0]);
    }
    throw new EvaluationError("unknown function " + name);
  }
  function ev(node, env) {
    switch (node.type) {
      case "Num": return node.value;
      case "Sym":
        if (Object.prototype.hasOwnProperty.call(env, node.name)) return Number(env[node.name]);
        if (node.constant !== null && node.constant !== undefined) return node.constant;
        throw new EvaluationError("no value for variable '" + node.name + "'");
      case "Neg": return -ev(node.operand, env);
      case "BinOp": {
        var l = ev(node.left, env), r = ev(node.right, env);
        switch (node.op) {
          case "+": return l + r;
          case "-": return l - r;
          case "*": return l * r;
          case "/": if (r === 0) fail("zero", "division by zero"); return l / r;
          case "^":
            // x^6000 parses (the checker compares it symbolically); floats stop at MAX_EXPONENT.
            if (Math.abs(r) > MAX_EXPONENT && names(node.right).length === 0)
              fail("size", "exponent " + r + " is too large to evaluate in floats");
            return pow(l, r);
        }
        break;
      }
      case "Call":
        if (node.func === "_defined") { ev(node.args[0], env); return ev(node.args[1], env); }
        if (node.func === "_pick_max" || node.func === "_pick_min") {
          var half = node.args.length / 2, best = 0, values = [];
          for (var i = 0; i < half; i++) values.push(ev(node.args[i], env));
          for (var j = 1; j < half; j++)
            if (node.func === "_pick_max" ? values[j] > values[best] : values[j] < values[best]) best = j;
          return ev(node.args[half + best], env);
        }
        var values = node.args.map(function (a) { return ev(a, env); });
        // A function the question declares: the caller passes its value as a JS function.
        if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, node.func) && typeof env[node.func] === "function")
          return env[node.func].apply(null, values);
        return evalCall(node.func, values);
    }
    throw new EvaluationError("cannot evaluate node " + node.type);
  }
  function hasDiff(node) {
    var found = false;
    walk(node, function (n) { if (n.type === "Call" && n.func === "diff") found = true; });
    return found;
  }
  function showEnv(env, node) {
    var used = names(node);
    if (!used.length) return "a constant expression";
    return used.map(function (n) { return n + "=" + env[n]; }).join(", ");
  }
  function evaluate(node, env) {
    env = env || {};
    if (hasDiff(node)) node = expandDiff(node);
    var value;
    try {
      value = ev(node, env);
    } catch (e) {
      if (e instanceof EvaluationError && e.kind) throw new EvaluationError(e.message + " at " + showEnv(env, node));
      throw e;
    }
    if (!isFinite(value)) throw new EvaluationError("the value is not finite at " + showEnv(env, node));
    return value;
  }
  /* The value of a constant subtree: null when it has variables or no real value; Infinity on overflow. */
  function constValue(node) {
    if (hasDiff(node)) {
      try { node = stripGuards(expandDiff(node)); } catch (e) { if (e instanceof EvaluationError) return null; throw e; }
    }
    if (names(node).length) return null;
    var value;
    try { value = ev(node, {}); } catch (e) {
      if (e instanceof EvaluationError && (e.kind === "overflow" || e.kind === "size")) return Infinity;
      if (e instanceof EvaluationError) return null;
      throw e;
    }
    return isNaN(value) ? null : value;
  }
  /* _defined(f, d) -> d: for the size limits only the derivative's value matters. */
  function stripGuards(node) {
    if (node.type === "Neg") return { type: "Neg", operand: stripGuards(node.operand) };
    if (node.type === "BinOp") return { type: "BinOp", op: node.op, left: stripGuards(node.left), right: stripGuards(node.right) };
    if (node.type === "Call") {
      if (node.func === "_defined") return stripGuards(node.args[1]);
      return call(node.func, node.args.map(stripGuards));
    }
    return node;
  }
  function checkPower(n) {
    var ex = constValue(n.right);
    if (ex === null) return;
    var cap = isFinite(ex) && ex === Math.floor(ex) ? MAX_INTEGER_EXPONENT : MAX_EXPONENT;
    if (Math.abs(ex) > cap) throw new GrammarError("exponent " + ex + " is too large (at most " + MAX_EXPONENT + " in magnitude, or a whole number up to " + MAX_INTEGER_EXPONENT + ")", n.pos);
    var folded = constValue(n);
    if (folded !== null && Math.abs(folded) > MAX_CONST_POWER) throw new GrammarError("constant power is too large (at most 1e30)", n.pos);
  }

  /* ---- symbolic differentiation (mirrors eprep/grammar/derivative.py) ---- */
  var MAX_DERIVATIVE_NODES = 20000;
  var ZERO = { type: "Num", value: 0, text: "0" }, ONE = { type: "Num", value: 1, text: "1" },
    TWO = { type: "Num", value: 2, text: "2" },
    PI = { type: "Sym", name: "pi", constant: Math.PI };
  function isNum(n, v) { return n.type === "Num" && n.value === v; }
  function add(a, b) { return isNum(a, 0) ? b : isNum(b, 0) ? a : { type: "BinOp", op: "+", left: a, right: b }; }
  function sub(a, b) { return isNum(b, 0) ? a : isNum(a, 0) ? neg(b) : { type: "BinOp", op: "-", left: a, right: b }; }
  function mul(a, b) {
    if (isNum(a, 0) || isNum(b, 0)) return ZERO;
    return isNum(a, 1) ? b : isNum(b, 1) ? a : { type: "BinOp", op: "*", left: a, right: b };
  }
  function div(a, b) { return isNum(a, 0) ? ZERO : isNum(b, 1) ? a : { type: "BinOp", op: "/", left: a, right: b }; }
  function neg(a) { return isNum(a, 0) ? ZERO : a.type === "Neg" ? a.operand : { type: "Neg", operand: a }; }
  function power(a, b) { return isNum(b, 1) ? a : { type: "BinOp", op: "^", left: a, right: b }; }
  function call(f, args) { return { type: "Call", func: f, args: args }; }
  /* Variable names in a node (constants excluded, a diff variable included), sorted. */
  function names(node) {
    var found = {};
    walk(node, function (n) { if (n.type === "Sym" && n.constant === null) found[n.name] = true; });
    return Object.keys(found).sort();
  }
  function size(node) { var c = 0; walk(node, function () { c++; }); return c; }
  function expandDiff(node) {
    if (node.type === "Neg") return { type: "Neg", operand: expandDiff(node.operand) };
    if (node.type === "BinOp") return { type: "BinOp", op: node.op, left: expandDiff(node.left), right: expandDiff(node.right) };
    if (node.type === "Call") {
      if (node.func === "diff") {
        var base = expandDiff(node.args[0]), body = base, v = node.args[1].name;
        var order = node.args.length === 3 ? node.args[2].value : 1;
        for (var k = 0; k < order; k++) {
          body = derivative(body, v);
          if (size(body) > MAX_DERIVATIVE_NODES) throw new EvaluationError("the derivative is too large to evaluate");
        }
        // A derivative exists only where the function does: d/dx log(x) is not 1/x at x<0.
        return call("_defined", [base, body]);
      }
      return call(node.func, node.args.map(expandDiff));
    }
    return node;
  }
  function derivative(node, v) {
    if (node.type === "Num") return ZERO;
    if (node.type === "Sym") return node.constant === null && node.name === v ? ONE : ZERO;
    if (names(node).indexOf(v) < 0) return ZERO;
    if (node.type === "Neg") return neg(derivative(node.operand, v));
    if (node.type === "BinOp") {
      var a = node.left, b = node.right, da = derivative(a, v), db = derivative(b, v);
      switch (node.op) {
        case "+": return add(da, db);
        case "-": return sub(da, db);
        case "*": return add(mul(da, b), mul(a, db));
        case "/": return div(sub(mul(da, b), mul(a, db)), power(b, TWO));
      }
      if (names(b).indexOf(v) < 0) return mul(mul(b, power(a, sub(b, ONE))), da);
      if (names(a).indexOf(v) < 0) return mul(mul(node, call("log", [a])), db);
      return mul(node, add(mul(db, call("log", [a])), div(mul(b, da), a)));
    }
    var f = node.func, args = node.args;
    if (f === "max" || f === "min")
      return call("_pick_" + f, args.concat(args.map(function (x) { return derivative(x, v); })));
    if (f === "floor" || f === "ceil" || f === "sign") return ZERO;
    if (f === "log" && args.length === 2) return derivative(div(call("log", [args[0]]), call("log", [args[1]])), v);
    if (f === "_defined") return call(f, [args[0], derivative(args[1], v)]);
    if (f === "_pick_max" || f === "_pick_min") {
      var half = args.length / 2;
      return call(f, args.slice(0, half).concat(args.slice(half).map(function (x) { return derivative(x, v); })));
    }
    var u = args[0], du = derivative(u, v), outer;
    switch (f) {
      case "exp": outer = node; break;
      case "log": return div(du, u);
      case "sqrt": return div(du, mul(TWO, node));
      case "abs": outer = div(u, node); break;
      case "sin": outer = call("cos", [u]); break;
      case "cos": outer = neg(call("sin", [u])); break;
      case "tan": outer = div(ONE, power(call("cos", [u]), TWO)); break;
      case "tanh": outer = sub(ONE, power(node, TWO)); break;
      case "sinh": outer = call("cosh", [u]); break;
      case "cosh": outer = call("sinh", [u]); break;
      case "sigmoid": outer = mul(node, sub(ONE, node)); break;
      case "softplus": outer = call("sigmoid", [u]); break;
      case "asin": outer = div(ONE, call("sqrt", [sub(ONE, power(u, TWO))])); break;
      case "acos": outer = neg(div(ONE, call("sqrt", [sub(ONE, power(u, TWO))]))); break;
      case "atan": outer = div(ONE, add(ONE, power(u, TWO))); break;
      case "erf": outer = mul(div(TWO, call("sqrt", [PI])), call("exp", [neg(power(u, TWO))])); break;
      default: throw new EvaluationError("cannot differentiate " + f);
    }
    return mul(outer, du);
  }

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
