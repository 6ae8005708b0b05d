/* LaTeX and common notations read into the plain answer grammar: the twin of
 * eprep/grammar/tex_reader.py (same passes, same rules, same error columns).
 * Classic script: defines the global `EprepTexReader` (and module.exports under Node); grammar.js
 * calls `EprepTexReader.translate(text, functions)` before its tokenizer. No eval anywhere. */
(function (root) {
  "use strict";

  var MAX_LENGTH = 500, MAX_GROUP_DEPTH = 40;
  var LETTERS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau " +
    "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split(" ");
  var GREEK = { varepsilon: "epsilon", vartheta: "theta", varphi: "phi", varrho: "rho",
    varsigma: "sigma", varpi: "pi" };
  LETTERS.forEach(function (l) { GREEK[l] = l; });
  var OPERATORS = { exp: "exp", log: "log", ln: "ln", sin: "sin", cos: "cos", tan: "tan",
    sinh: "sinh", cosh: "cosh", tanh: "tanh", max: "max", min: "min", arcsin: "asin",
    arccos: "acos", arctan: "atan", sgn: "sign" };
  var NAME_COMMANDS = set("mathrm operatorname text textrm mathit textit mathsf mbox mathbf boldsymbol bm textbf vec mathnormal mathcal");
  var ACCENTS = { hat: "hat", widehat: "hat", bar: "bar", overline: "bar", tilde: "tilde", widetilde: "tilde" };
  var ACCENT_SUFFIXES = ["_hat", "_bar", "_tilde"];
  var SIZES = set("left right big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr middle");
  var IGNORED = set("displaystyle textstyle scriptstyle limits nolimits quad qquad enspace thinspace medspace thickspace negthinspace space");
  var SYMBOLS = { cdot: "*", times: "*", ast: "*", odot: "*", div: "/", partial: "∂", prime: "'",
    lbrace: "(", rbrace: ")", lvert: "|", rvert: "|", vert: "|", lfloor: "floor(", rfloor: ")",
    lceil: "ceil(", rceil: ")" };
  var FRACS = set("frac dfrac tfrac cfrac");
  var KNOWN = {};
  [GREEK, OPERATORS, NAME_COMMANDS, ACCENTS, SIZES, IGNORED, SYMBOLS, FRACS].forEach(function (t) {
    Object.keys(t).forEach(function (k) { KNOWN[k] = true; });
  });
  KNOWN.sqrt = true;
  var SPACE_ESCAPES = set(", ; : ! >");
  SPACE_ESCAPES[" "] = true;
  var NAME = /[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*/y;
  var NAME_FULL = /^[A-Za-z_\u0370-\u03ff][A-Za-z0-9_\u0370-\u03ff]*$/;
  var PLAIN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

  function set(words) { var o = {}; words.split(" ").forEach(function (w) { o[w] = true; }); return o; }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function GrammarError(message, position) {
    var G = root.EprepGrammar;
    if (G && G.GrammarError) return new G.GrammarError(message, position);
    var e = new Error(message); e.position = position; return e;
  }

  function isLatex(text) { return /[\\{}$]/.test(text); }

  function Out() { this.chars = []; this.cols = []; }
  Out.prototype.add = function (text, col) {
    for (var k = 0; k < text.length; k++) { this.chars.push(text[k]); this.cols.push(col); }
  };
  Out.prototype.extend = function (other) {
    for (var k = 0; k < other.chars.length; k++) { this.chars.push(other.chars[k]); this.cols.push(other.cols[k]); }
  };
  Out.prototype.text = function () { return this.chars.join(""); };
  Out.prototype.rstrip = function () {
    while (this.chars.length && this.chars[this.chars.length - 1] === " ") { this.chars.pop(); this.cols.pop(); }
  };

  /* Match a sticky regexp at index i of s, not beyond end. */
  function matchAt(re, s, i, end) {
    var sticky = new RegExp(re.source, "y");
    sticky.lastIndex = i;
    var m = sticky.exec(s.slice(0, end));
    return m;
  }

  /* ---- pass 1: LaTeX (s is an array of code points) ---- */
  function Latex(chars, start, end) {
    this.c = chars; this.s = chars.join(""); this.i = start; this.end = end;
    this.out = new Out(); this.depth = 0;
  }
  Latex.prototype.error = function (message, index) { return GrammarError(message, index + 1); };
  Latex.prototype.peek = function () { return this.i < this.end ? this.c[this.i] : ""; };
  Latex.prototype.skipSpaces = function () { while (this.i < this.end && this.c[this.i] === " ") this.i++; };
  Latex.prototype.startsWith = function (word, at) { return this.c.slice(at, at + word.length).join("") === word; };
  /* A regexp matched against the code points from index i (results in code-point units). */
  Latex.prototype.match = function (re, i) {
    var rest = this.c.slice(i, this.end).join("");
    var m = new RegExp("^(?:" + re.source + ")").exec(rest);
    if (!m) return null;
    return { groups: m, length: Array.from(m[0]).length };
  };
  Latex.prototype.run = function (stop) {
    while (this.i < this.end) {
      var ch = this.c[this.i], start = this.i;
      if (stop && ch === stop) return;
      if (ch === "\\") this.command();
      else if (ch === "{") {
        this.out.add("(", start + 1);
        this.groupBody(start);
        this.out.add(")", this.i);
      } else if (ch === "}") throw this.error("unmatched '}'", start);
      else if (ch === "^" || ch === "_") { this.i++; this.script(ch, start); }
      else if (ch === "[") { this.out.add("(", start + 1); this.i++; }
      else if (ch === "]") { this.out.add(")", start + 1); this.i++; }
      else if (ch === "$") throw this.error("'$' only goes around the whole formula", start);
      else if ("&%#~".indexOf(ch) >= 0) throw this.error("character '" + ch + "' is not allowed in a formula", start);
      else { this.out.add(ch, start + 1); this.i++; }
    }
  };
  Latex.prototype.groupBody = function (open) {
    this.depth++;
    if (this.depth > MAX_GROUP_DEPTH) throw this.error("nested more than " + MAX_GROUP_DEPTH + " levels deep", open);
    this.i = open + 1;
    this.run("}");
    if (this.peek() !== "}") throw this.error("'{' is never closed", open);
    this.i++;
    this.depth--;
  };
  Latex.prototype.capture = function (fn) {
    var saved = this.out;
    this.out = new Out();
    try { fn.call(this); return this.out; } finally { this.out = saved; }
  };
  Latex.prototype.argument = function () {
    this.skipSpaces();
    var start = this.i;
    if (start >= this.end) throw this.error("a command's argument is missing", start);
    var ch = this.c[start];
    if (ch === "{") return this.capture(function () { this.groupBody(start); });
    if (ch === "\\") return this.capture(this.command);
    if ("}^_".indexOf(ch) >= 0) throw this.error("unexpected '" + ch + "' — expected an argument", start);
    this.i++;
    var out = new Out();
    out.add(ch, start + 1);
    return out;
  };
  Latex.prototype.script = function (mark, start) {
    this.skipSpaces();
    if (mark === "^" && this.startsWith("\\prime", this.i)) {
      this.i += 6;
      this.out.add("'", start + 1);
      return;
    }
    var arg = this.argument();
    var after = this.i;
    this.skipSpaces();
    if (this.peek() === mark)
      throw this.error("double " + (mark === "^" ? "superscript" : "subscript") + ": use braces", this.i);
    this.i = after;
    if (mark === "^") {
      if (arg.text().trim() === "'") { this.out.extend(arg); return; }
      this.out.add("^(", start + 1);
      this.out.extend(arg);
      this.out.add(")", this.i);
      return;
    }
    this.subscript(arg, start);
  };
  Latex.prototype.subscript = function (arg, start) {
    var sub = arg.text().replace(/ /g, "");
    if (!/^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$/.test(sub))
      throw this.error("subscript '" + (sub || "{}") + "' is not letters and digits", start);
    this.out.rstrip();
    var text = this.out.text();
    var name = /[A-Za-z_][A-Za-z0-9_]*$/.exec(text);
    if (!name) throw this.error("a subscript needs a name before it", start);
    if (name[0] === "log" || name[0] === "ln") throw this.error("a logarithm to a base is written log(x, base)", start);
    var at = text.length;
    ACCENT_SUFFIXES.forEach(function (suffix) {
      if (text.slice(-suffix.length) === suffix) at -= suffix.length;
    });
    var col = start + 1, piece = ("_" + sub).split("");
    var args = [at, 0].concat(piece);
    Array.prototype.splice.apply(this.out.chars, args);
    Array.prototype.splice.apply(this.out.cols, [at, 0].concat(piece.map(function () { return col; })));
    this.out.add(" ", col);
  };
  Latex.prototype.command = function () {
    var start = this.i;
    var m = this.match(/\\([A-Za-z]+|.?)/, start);
    var name = m.groups[1];
    this.i = start + m.length;
    var col = start + 1;
    if (has(SPACE_ESCAPES, name)) {
      var follows = this.match(/[A-Za-z][A-Za-z0-9_]*/, this.i);
      if (name === " " && follows && has(KNOWN, follows.groups[0])) {
        var word = follows.groups[0];
        throw this.error("'\\ " + word + "': did you mean '\\" + word + "'?", start);
      }
      this.out.add(" ", col);
    } else if (name === "{" || name === "}") this.out.add(name === "{" ? "(" : ")", col);
    else if (name === "") throw this.error("a formula cannot end with '\\'", start);
    else if (!/^[A-Za-z]+$/.test(name)) {
      var shown = name === "\\" ? "line break '\\\\'" : "'\\" + name + "'";
      throw this.error(shown + " is not allowed in a formula", start);
    } else if (has(GREEK, name)) this.out.add(" " + GREEK[name] + " ", col);
    else if (has(OPERATORS, name)) this.out.add(" " + OPERATORS[name] + " ", col);
    else if (has(FRACS, name)) this.fraction(col);
    else if (name === "sqrt") this.root(col);
    else if (has(NAME_COMMANDS, name)) this.named(col);
    else if (has(ACCENTS, name)) this.accent(ACCENTS[name], start);
    else if (has(SIZES, name)) this.delimiter(name, start);
    else if (has(IGNORED, name)) this.out.add(" ", col);
    else if (has(SYMBOLS, name)) this.out.add(SYMBOLS[name], col);
    else if (name === "begin") {
      var env = this.match(/\s*\{([^{}]*)\}/, this.i);
      throw this.error("LaTeX environment '" + (env ? env.groups[1] : "?") + "' is not supported", start);
    } else throw this.error("LaTeX command '\\" + name + "' is not supported", start);
  };
  Latex.prototype.fraction = function (col) {
    var num = this.argument(), den = this.argument();
    var derivative = derivativeFraction(num.text(), den.text());
    if (derivative !== null) { this.out.add(derivative, col); return; }
    this.out.add("((", col); this.out.extend(num); this.out.add(")/(", col);
    this.out.extend(den); this.out.add("))", col);
  };
  Latex.prototype.root = function (col) {
    this.skipSpaces();
    var index = null;
    if (this.peek() === "[") {
      var open = this.i;
      this.i++;
      index = this.capture(function () { this.run("]"); });
      if (this.peek() !== "]") throw this.error("'[' of \\sqrt is never closed", open);
      this.i++;
    }
    var body = this.argument();
    if (index === null) {
      this.out.add("sqrt(", col); this.out.extend(body); this.out.add(")", col);
      return;
    }
    this.out.add("((", col); this.out.extend(body); this.out.add(")^(1/(", col);
    this.out.extend(index); this.out.add(")))", col);
  };
  Latex.prototype.named = function (col) {
    var arg = this.argument();
    var inner = arg.text().trim().replace(/ /g, "");
    if (PLAIN_NAME.test(inner)) {
      this.out.add(" " + (has(OPERATORS, inner) ? OPERATORS[inner] : inner) + " ", col);
      return;
    }
    this.out.add(" ", col); this.out.extend(arg); this.out.add(" ", col);
  };
  Latex.prototype.accent = function (suffix, start) {
    var arg = this.argument();
    var name = arg.text().trim();
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
      throw this.error("\\" + suffix + " needs a name, not '" + name + "'", start);
    this.out.add(" " + name + "_" + suffix + " ", start + 1);
  };
  Latex.prototype.delimiter = function (size, start) {
    this.skipSpaces();
    var col = start + 1;
    if (this.i >= this.end) throw this.error("'\\" + size + "' needs a delimiter after it", start);
    var ch = this.c[this.i];
    if ("()[].|".indexOf(ch) >= 0) {
      this.i++;
      if (ch === ".") return;
      this.out.add(ch === "[" ? "(" : ch === "]" ? ")" : ch, col);
      return;
    }
    var word = this.match(/\\([A-Za-z]+|[{}|])/, this.i);
    var ok = ["{", "}", "lbrace", "rbrace", "lvert", "rvert", "vert", "|", "lfloor", "rfloor", "lceil", "rceil"];
    if (word && ok.indexOf(word.groups[1]) >= 0) {
      this.i += word.length;
      var w = word.groups[1];
      this.out.add({ "{": "(", "}": ")", "|": "|" }[w] || SYMBOLS[w], col);
      return;
    }
    throw this.error("'\\" + size + "' needs a delimiter such as ( ) [ ] | after it", start);
  };

  function derivativeFraction(num, den) {
    num = num.replace(/ /g, ""); den = den.replace(/ /g, "");
    var top = /^(d|∂|\(d\)|\(∂\))(?:\^\((\d)\))?([A-Za-z][A-Za-z0-9_]*)?$/.exec(num);
    var bottom = /^(d|∂|\(d\)|\(∂\))([A-Za-z][A-Za-z0-9_]*)(?:\^\((\d)\))?$/.exec(den);
    if (!top || !bottom) return null;
    var order = top[2], v = bottom[2];
    if ((order || null) !== (bottom[3] || null)) return null;
    var d = top[1].indexOf("∂") >= 0 ? "∂" : "d";
    var power = order ? "^" + order : "";
    if (top[3] === undefined) return " " + d + power + "/" + d + v + power + " ";
    return " diff(" + top[3] + ", " + v + (order ? ", " + order : "") + ") ";
  }

  function stripDelimiters(chars) {
    var start = 0, end = chars.length;
    var space = function (c) { return /\s/.test(c); };
    while (start < end && space(chars[start])) start++;
    while (end > start && space(chars[end - 1])) end--;
    var pairs = [["$$", "$$"], ["$", "$"], ["\\(", "\\)"], ["\\[", "\\]"]];
    for (var p = 0; p < pairs.length; p++) {
      var left = pairs[p][0], right = pairs[p][1];
      if (chars.slice(start, start + left.length).join("") === left) {
        if (end - start >= left.length + right.length && chars.slice(end - right.length, end).join("") === right)
          return [start + left.length, end - right.length];
        throw GrammarError("'" + left + "' is never closed (by '" + right + "')", start + 1);
      }
    }
    return [0, chars.length];
  }

  /* ---- pass 2: plain notations (s is an array of code points, cols their columns) ---- */
  function Notation(chars, cols, functions, endCol, latex) {
    this.c = chars; this.cols = cols; this.functions = functions; this.endCol = endCol;
    this.latex = !!latex;
  }
  Notation.prototype.col = function (i) { return i < this.cols.length ? this.cols[i] : this.endCol; };
  Notation.prototype.error = function (message, i) { return GrammarError(message, this.col(i)); };
  Notation.prototype.copy = function (out, start, end) {
    for (var k = start; k < end; k++) { out.chars.push(this.c[k]); out.cols.push(this.cols[k]); }
  };
  Notation.prototype.skip = function (i) { while (i < this.c.length && this.c[i] === " ") i++; return i; };
  Notation.prototype.text = function (a, b) { return this.c.slice(a, b).join(""); };
  Notation.prototype.isFunction = function (name) { return has(this.functions, name); };
  Notation.prototype.name = function (i, end) {
    if (i >= end || !/[A-Za-z_\u0370-\u03ff]/.test(this.c[i])) return null;
    var k = i + 1;
    while (k < end && /[A-Za-z0-9_\u0370-\u03ff]/.test(this.c[k])) k++;
    return k;
  };
  Notation.prototype.matching = function (i) {
    var depth = 0;
    for (var k = i; k < this.c.length; k++) {
      if (this.c[k] === "(") depth++;
      else if (this.c[k] === ")") { depth--; if (depth === 0) return k + 1; }
    }
    throw this.error("'(' is never closed", i);
  };
  Notation.prototype.atomEnd = function (i) {
    i = this.skip(i);
    if (i >= this.c.length) throw this.error("a formula is missing here", i);
    var ch = this.c[i], end;
    if (ch === "(") end = this.matching(i);
    else if (ch === "√") return this.atomEnd(i + 1);
    else if (this.name(i, this.c.length) !== null) {
      end = this.name(i, this.c.length);
      var after = this.skip(end);
      if (after < this.c.length && this.c[after] === "(") end = this.matching(after);
    } else if (/[0-9.]/.test(ch)) {
      end = i;
      while (end < this.c.length && /[0-9.]/.test(this.c[end])) end++;
    } else throw this.error("unexpected '" + ch + "' — expected a number, a name or '('", i);
    var next = this.skip(end);
    if (next < this.c.length && this.c[next] === "^") return this.atomEnd(next + 1);
    return end;
  };
  Notation.prototype.run = function (start, end) {
    var out = new Out(), i = start, bars = [];
    while (i < end) {
      var ch = this.c[i];
      var nameEnd = /[0-9]/.test(ch) ? null : this.name(i, end);
      if (nameEnd !== null && (i === start || !/[A-Za-z0-9_.]/.test(this.c[i - 1]))) {
        i = this.nameAt(out, this.text(i, nameEnd), i, nameEnd, end);
      } else if (ch === "√") i = this.root(out, i, end);
      else if (ch === "∂") i = this.derivative(out, i, end);
      else if (ch === "|") {
        if (!bars.length || expectsOperand(out)) { bars.push(i); out.add("abs(", this.cols[i]); }
        else { bars.pop(); out.add(")", this.cols[i]); }
        i++;
      } else { out.add(ch, this.cols[i]); i++; }
    }
    if (bars.length) throw this.error("'|' is never closed", bars[bars.length - 1]);
    return out;
  };
  Notation.prototype.nameAt = function (out, name, i, after, end) {
    var j = this.skip(after), result;
    if (name === "d" && j < end && (this.c[j] === "/" || this.c[j] === "^")) {
      result = this.dOperator(out, i, end);
      if (result !== null) return result;
    }
    if (j < end && (this.c[j] === "'" || this.c[j] === "′")) return this.prime(out, name, i, j, end);
    if (j < end && this.c[j] === "^" && this.isFunction(name)) {
      result = this.functionPower(out, name, i, j, end);
      if (result !== null) return result;
    }
    this.copy(out, i, after);
    if (this.latex && j < end && this.c[j] === "(" && !this.callable(name))
      out.add("*", this.cols[j]); // in LaTeX a name before a parenthesis multiplies it
    return after;
  };
  Notation.prototype.callable = function (name) {
    return this.isFunction(name) || name === "sigma" || name === "σ" || name === "f" || name === "g" || name === "h";
  };
  Notation.prototype.prime = function (out, name, i, j, end) {
    var order = 0;
    while (j < end && (this.c[j] === "'" || this.c[j] === "′")) { order++; j++; }
    var k = this.skip(j);
    var shown = name === "σ" || name === "sigma" ? "sigmoid" : name;
    if (order > 4) throw this.error("derivatives of order above 4 are not allowed", i);
    var known = this.isFunction(name) || name === "σ" || name === "sigma";
    if (k >= end || this.c[k] !== "(") {
      if (!known) { this.copy(out, i, j); return j; }
      throw this.error(name + "' is ambiguous: did you mean diff(" + shown + "(x), x)?", i);
    }
    var close = this.matching(k);
    var v = this.text(k + 1, close - 1).trim();
    if (!NAME_FULL.test(v))
      throw this.error(name + "'(" + v + ") is ambiguous: write the derivative with diff, e.g. diff(" +
        shown + "(u), u) and then put u = " + v, i);
    var col = this.cols[i];
    out.add("diff(", col);
    this.copy(out, i, i + Array.from(name).length);
    if (known) this.copy(out, k, close);
    out.add(", " + v + (order > 1 ? ", " + order : "") + ")", col);
    return close;
  };
  Notation.prototype.dOperator = function (out, i, end) {
    var m = new RegExp("^d\\s*(?:\\^\\s*\\(?\\s*(\\d)\\s*\\)?\\s*)?/\\s*d([A-Za-z][A-Za-z0-9_]*)" +
      "(?:\\s*\\^\\s*\\(?\\s*(\\d)\\s*\\)?)?").exec(this.text(i, end));
    if (!m || (m[1] || null) !== (m[3] || null)) return null;
    return this.applyDerivative(out, i, i + Array.from(m[0]).length, m[2], m[1], end, "d");
  };
  Notation.prototype.derivative = function (out, i, end) {
    var m = /^∂\s*([A-Za-z][A-Za-z0-9_]*)?\s*\/\s*∂\s*([A-Za-z][A-Za-z0-9_]*)/.exec(this.text(i, end));
    if (!m) throw this.error("∂ is read only in ∂f/∂x or ∂/∂x f(x)", i);
    var next = i + Array.from(m[0]).length;
    if (m[1] === undefined) return this.applyDerivative(out, i, next, m[2], null, end, "∂");
    out.add("diff(" + m[1] + ", " + m[2] + ")", this.cols[i]);
    return next;
  };
  Notation.prototype.applyDerivative = function (out, i, j, v, order, end, d) {
    var extra = order ? ", " + order : "";
    var k = this.skip(j);
    if (k < end && this.c[k] === "*") {
      var what = this.text(k + 1, this.atomEnd(k + 1)).trim();
      throw this.error(d + "/" + d + v + "*… is ambiguous: did you mean diff(" + what + ", " + v + extra + ")?", i);
    }
    if (k >= end || "/)+-,=".indexOf(this.c[k]) >= 0)
      throw this.error(d + "/" + d + v + " of what? write diff(…, " + v + extra + ")", i);
    var operandEnd = this.atomEnd(k);
    var operand = this.text(k, operandEnd).trim();
    var after = this.skip(operandEnd);
    if (after < end && "+-),=".indexOf(this.c[after]) < 0) {
      var rest = this.text(k, end).trim();
      throw this.error(d + "/" + d + v + " " + rest + " is ambiguous: did you mean diff(" + operand + ", " +
        v + extra + ") or diff(" + rest + ", " + v + extra + ")?", i);
    }
    var col = this.cols[i];
    out.add("diff(", col);
    out.extend(this.run(k, operandEnd));
    out.add(", " + v + extra + ")", col);
    return operandEnd;
  };
  Notation.prototype.root = function (out, i, end) {
    var k = this.skip(i + 1), col = this.cols[i];
    if (k < end && this.c[k] === "(") { out.add("sqrt", col); return k; }
    var tokenEnd = this.name(k, end);
    if (tokenEnd === null) {
      var m = /^\d+(?:\.\d*)?/.exec(this.text(k, end));
      if (m) tokenEnd = k + m[0].length;
    }
    if (tokenEnd === null) throw this.error("√ needs a number, a name or '(' after it", i);
    out.add("sqrt(", col);
    this.copy(out, k, tokenEnd);
    out.add(")", col);
    return tokenEnd;
  };
  Notation.prototype.functionPower = function (out, name, i, j, end) {
    var m = /^\^\s*(\(\s*[^()]*\)|[-+]?\s*\d+)\s*/.exec(this.text(j, end));
    if (!m) return null;
    var k = j + Array.from(m[0]).length;
    if (k >= end || this.c[k] !== "(") return null;
    var exponent = m[1].replace(/^[() ]+|[() ]+$/g, "").replace(/ /g, "");
    if (!/^\d+$/.test(exponent) || exponent === "0")
      throw this.error(name + "^" + exponent + "(…) is ambiguous: write " + name + "(x)^(" + exponent +
        ") for a power or the inverse function by name", i);
    var close = this.matching(k);
    this.copy(out, i, i + Array.from(name).length);
    out.extend(this.run(k, close));
    out.add("^" + exponent, this.cols[j]);
    return close;
  };
  function expectsOperand(out) {
    var text = out.text().replace(/\s+$/, "");
    return !text || "+-*/^(,".indexOf(text[text.length - 1]) >= 0;
  }

  /* The text in the plain grammar and the original 1-based column of each of its code points. */
  function translate(text, functions) {
    var chars = Array.from(text);
    if (chars.length > MAX_LENGTH)
      throw GrammarError("input is " + chars.length + " characters long; at most " + MAX_LENGTH, 1);
    var outChars, cols;
    if (isLatex(text)) {
      var span = stripDelimiters(chars);
      var latex = new Latex(chars, span[0], span[1]);
      latex.run("");
      outChars = latex.out.chars; cols = latex.out.cols;
    } else {
      outChars = chars; cols = chars.map(function (_, k) { return k + 1; });
    }
    var out = new Notation(outChars, cols, functions, chars.length + 1, isLatex(text)).run(0, outChars.length);
    return { text: out.text(), cols: out.cols, endCol: chars.length + 1 };
  }

  var api = { translate: translate, isLatex: isLatex };
  root.EprepTexReader = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
