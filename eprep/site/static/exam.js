/* The mock exam, offline: draws a paper from window.EPREP_EXAM (exam-data.js, written by
 * `eprep site build` from the bank and eprep/exam/weights.toml), sits it with a live timer, and
 * scores it as `eprep exam` does. Results stay in localStorage. Classic script, no network. */
(function () {
  "use strict";
  var HISTORY_KEY = "eprep-exam-history";
  var CURRENT_KEY = "eprep-exam-current";
  var MAX_SEED = 2147483647;
  var WEAKEST = 3; // as eprep/exam/report.py

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }

  function clockText(seconds) {
    var whole = Math.max(0, Math.floor(seconds));
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return Math.floor(whole / 3600) + ":" + pad(Math.floor(whole / 60) % 60) + ":" + pad(whole % 60);
  }

  /* A reproducible stream in [0, 1) from a 31-bit seed: a Weyl sequence through an integer
   * mixer (the same seed draws the same paper in every browser). */
  function makeRandom(seed) {
    var state = (seed ^ 0x9e3779b9) >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
    };
  }

  /* Items per area: `count` shared by largest remainder, none above what an area has; an area
   * that runs short gives what it has and the rest is shared in proportion. The same rule as
   * eprep/exam/paper.py allocate (the browser test compares the two). `shares`: [[area, share]]
   * in the weights file's order; `available`: {area: questions}. */
  function allocate(count, shares, available) {
    var given = {};
    var avail = function (a) { return available[a] || 0; };
    shares.forEach(function (s) { given[s[0]] = 0; });
    var left = Math.min(count, shares.reduce(function (t, s) { return t + avail(s[0]); }, 0));
    while (left > 0) {
      var open = shares.filter(function (s) { return avail(s[0]) > given[s[0]]; });
      var total = open.reduce(function (t, s) { return t + s[1]; }, 0);
      var exact = {}, take = {}, taken = 0;
      open.forEach(function (s) {
        exact[s[0]] = left * s[1] / total;
        take[s[0]] = Math.min(Math.floor(exact[s[0]]), avail(s[0]) - given[s[0]]);
        taken += take[s[0]];
      });
      var spare = left - taken;
      // the largest remainders first; ties go to the area listed first (a stable sort)
      var order = open.map(function (s) { return s[0]; }).sort(function (a, b) {
        return (exact[b] - Math.floor(exact[b])) - (exact[a] - Math.floor(exact[a]));
      });
      for (var i = 0; i < order.length && spare > 0; i++) {
        var area = order[i];
        if (avail(area) - given[area] > take[area]) { take[area] += 1; spare -= 1; }
      }
      var step = 0;
      open.forEach(function (s) { given[s[0]] += take[s[0]]; step += take[s[0]]; });
      left -= step;
    }
    return given;
  }

  function pools(data) {
    var byArea = {};
    data.weights.forEach(function (w) { byArea[w.area] = []; });
    data.questions.forEach(function (q) { byArea[q.area].push(q); });
    return byArea;
  }

  /* The paper of `seed`: the areas' quotas, then per area (in the tree's order) that many
   * distinct questions sampled at random, each at one of the variants the build wrote. */
  function drawPaper(data, count, seed) {
    var byArea = pools(data);
    var available = {};
    Object.keys(byArea).forEach(function (a) { available[a] = byArea[a].length; });
    var quota = allocate(count, data.weights.map(function (w) { return [w.area, w.share]; }), available);
    var random = makeRandom(seed);
    var items = [];
    data.order.forEach(function (area) {
      var pool = byArea[area].slice();
      for (var i = 0; i < quota[area]; i++) {
        var j = i + Math.floor(random() * (pool.length - i));
        var chosen = pool[j];
        pool[j] = pool[i];
        pool[i] = chosen;
        var v = Math.floor(random() * chosen.variants.length);
        items.push({ id: chosen.id, k: chosen.variants[v].k });
      }
    });
    var empty = data.weights.filter(function (w) { return !byArea[w.area].length; })
      .map(function (w) { return w.area; });
    return { seed: seed, asked: count, items: items, empty: empty };
  }

  function judge(variant, picks) {
    /* right when every group's pick is its correct option (eprep/checker/exam.py grade) */
    return !!picks && variant.correct.every(function (c, g) { return picks[g] === c; });
  }

  function complete(variant, picks) {
    return !!picks && variant.correct.every(function (_, g) {
      return typeof picks[g] === "number";
    });
  }

  function score(right, n) {
    return { right: right, items: n, percent: n ? 100 * right / n : 0 };
  }

  /* The report of a sat paper, as eprep/exam/report.py grade_paper: total, per area in the
   * tree's order, per topic in the paper's order, the weakest topics, the missed items. */
  function grade(data, items, answers) {
    var rows = items.map(function (item, i) {
      var picks = answers[i + 1];
      var entry = lookup(data, item);
      return {
        number: i + 1, id: item.id, k: item.k, area: entry.q.area, topic: entry.q.topic,
        topic_title: entry.q.topic_title, answered: complete(entry.v, picks),
        correct: judge(entry.v, picks),
      };
    });
    var count = function (list) {
      return score(list.filter(function (r) { return r.correct; }).length, list.length);
    };
    var areas = data.order.filter(function (a) { return rows.some(function (r) { return r.area === a; }); })
      .map(function (a) {
        var s = count(rows.filter(function (r) { return r.area === a; }));
        s.id = a; s.title = data.titles[a];
        return s;
      });
    var topicKeys = [];
    rows.forEach(function (r) { if (topicKeys.indexOf(r.topic) < 0) topicKeys.push(r.topic); });
    var topics = topicKeys.map(function (key) {
      var mine = rows.filter(function (r) { return r.topic === key; });
      var s = count(mine);
      s.topic = key; s.title = mine[0].topic_title;
      return s;
    });
    var weakest = topics.filter(function (t) { return t.right < t.items; })
      .sort(function (a, b) {
        return (a.percent - b.percent) || ((b.items - b.right) - (a.items - a.right));
      }).slice(0, WEAKEST);
    var total = count(rows);
    total.unanswered = rows.filter(function (r) { return !r.answered; }).length;
    total.areas = areas;
    total.topics = topics;
    total.weakest = weakest;
    total.rows = rows;
    total.missed = rows.filter(function (r) { return !r.correct; }).map(function (r) { return r.number; });
    return total;
  }

  var INDEX = null;
  function lookup(data, item) {
    if (!INDEX) {
      INDEX = {};
      data.questions.forEach(function (q) { INDEX[q.id] = q; });
    }
    var q = INDEX[item.id];
    var v = q && q.variants.filter(function (x) { return x.k === item.k; })[0];
    if (!v) throw new Error("no question " + item.id + " variant " + item.k + " in exam-data.js");
    return { q: q, v: v };
  }

  window.EprepExam = { allocate: allocate, drawPaper: drawPaper, grade: grade, judge: judge,
    clockText: clockText };

  /* ---------------------------------- the page ---------------------------------- */

  var data = window.EPREP_EXAM;
  if (!data || typeof document === "undefined" || !document.getElementById("exam-start")) return;
  var T = data.strings;
  var $ = function (id) { return document.getElementById(id); };
  var state = null; // the sitting: {seed, asked, minutes, deadline, started, items, answers, flags, seconds, current}
  var shownAt = 0;
  var ticker = null;

  function storage(key, value) {
    try {
      if (value === undefined) return JSON.parse(window.localStorage.getItem(key) || "null");
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage off or full: the paper goes on, unsaved */ }
    return null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function html(tag, cls, markup) {
    var node = el(tag, cls ? { class: cls } : {});
    node.innerHTML = markup; // build-time HTML from the bank, never learner text
    return node;
  }

  function show(section) {
    ["exam-setup", "exam-paper", "exam-review", "exam-report"].forEach(function (id) {
      $(id).hidden = id !== section;
    });
  }

  function shareUrl(seed, count, minutes) {
    return "exam.html?seed=" + seed + "&count=" + count + "&minutes=" + minutes;
  }

  function save() { storage(CURRENT_KEY, state); }

  /* ---- setup ---- */

  function readSetup() {
    var form = $("exam-start");
    var fields = [["count", 1, 1000, T.count_name], ["minutes", 1, 600, T.minutes_name],
      ["seed", 0, MAX_SEED, T.seed_name]];
    var out = {};
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var raw = form.elements[f[0]].value.trim();
      if (f[0] === "seed" && raw === "") { out.seed = Math.floor(Math.random() * MAX_SEED); continue; }
      var n = Number(raw);
      if (!/^\d+$/.test(raw) || n < f[1] || n > f[2]) {
        return { error: fmt(T.bad_value, { what: f[3], low: f[1], high: f[2] }) };
      }
      out[f[0]] = n;
    }
    return out;
  }

  function start(event) {
    event.preventDefault();
    var setup = readSetup();
    $("exam-setup-error").textContent = setup.error || "";
    if (setup.error) return;
    var paper = drawPaper(data, setup.count, setup.seed);
    if (!paper.items.length) { $("exam-setup-error").textContent = T.no_items; return; }
    try { window.history.replaceState(null, "", shareUrl(setup.seed, setup.count, setup.minutes)); } catch (e) { /* file:// may refuse */ }
    var now = Date.now();
    state = {
      seed: setup.seed, asked: setup.count, minutes: setup.minutes, lang: data.lang,
      started: now, deadline: now + setup.minutes * 60000, items: paper.items,
      empty: paper.empty, answers: {}, flags: {}, seconds: {}, current: 1,
    };
    save();
    sit();
  }

  function sit() {
    show("exam-paper");
    drawGrid();
    goTo(state.current);
    tick();
    if (ticker) clearInterval(ticker);
    ticker = setInterval(tick, 250);
  }

  /* ---- the clock: a time-out submits what was answered ---- */

  function tick() {
    if (!state) return;
    var left = (state.deadline - Date.now()) / 1000;
    $("exam-timer").textContent = fmt(T.time_left, { left: clockText(Math.ceil(left)) });
    if (left <= 0) finish(true);
  }

  /* ---- one item ---- */

  function leave() {
    if (!state || !shownAt) return;
    var n = state.current;
    state.seconds[n] = (state.seconds[n] || 0) + (Date.now() - shownAt) / 1000;
    shownAt = 0;
  }

  function goTo(number) {
    leave();
    state.current = number;
    shownAt = Date.now();
    save();
    var item = state.items[number - 1];
    var entry = lookup(data, item);
    var v = entry.v;
    var box = $("exam-item");
    box.textContent = "";
    box.setAttribute("data-question", item.id);
    box.setAttribute("data-variant", String(item.k));
    box.setAttribute("data-number", String(number));
    box.appendChild(html("h2", "", v.title));
    box.appendChild(html("div", "prompt", v.prompt));
    if (v.code) box.appendChild(html("div", "code-template", v.code));
    if (v.lead) box.appendChild(html("p", "exam-lead", v.lead));
    if (v.lines.length) {
      var ol = el("ol", { class: "derivation-lines" });
      v.lines.forEach(function (line, i) { ol.appendChild(html("li", "", (i ? "= " : "") + line)); });
      box.appendChild(ol);
    }
    var picks = state.answers[number] || [];
    v.groups.forEach(function (group, g) {
      var set = el("fieldset", { class: "exam-group", "data-group": String(g) });
      if (group.mark) set.appendChild(el("legend", {}, group.mark));
      group.options.forEach(function (option, i) {
        var label = el("label", { class: "option" });
        var input = el("input", { type: "radio", name: "exam-group-" + g, value: String(i) });
        input.checked = picks[g] === i;
        input.addEventListener("change", function () { pick(number, g, i); });
        label.appendChild(input);
        label.appendChild(html("span", "option-body", option));
        set.appendChild(label);
      });
      box.appendChild(set);
    });
    $("exam-position").textContent = fmt(T.item, { n: number, total: state.items.length });
    drawFlag();
    drawGrid();
  }

  function pick(number, group, option) {
    var picks = (state.answers[number] || []).slice();
    picks[group] = option;
    state.answers[number] = picks;
    save();
    drawGrid();
  }

  function answered(number) {
    return complete(lookup(data, state.items[number - 1]).v, state.answers[number]);
  }

  function drawFlag() {
    var flagged = !!state.flags[state.current];
    $("exam-flag").textContent = flagged ? T.unflag : T.flag;
    $("exam-flag").setAttribute("aria-pressed", flagged ? "true" : "false");
    $("exam-flag-state").textContent = flagged ? "[" + T.flagged + "]" : "";
  }

  function drawGrid() {
    var grid = $("exam-grid");
    grid.setAttribute("aria-label", T.goto);
    grid.textContent = "";
    state.items.forEach(function (_, i) {
      var n = i + 1;
      var classes = [answered(n) ? "answered" : "unanswered"];
      if (state.flags[n]) classes.push("flagged");
      var states = [answered(n) ? T.answered : T.unanswered].concat(state.flags[n] ? [T.flagged] : []);
      var button = el("button", { type: "button", class: classes.join(" "), "data-item": String(n),
        "aria-label": n + " (" + states.join(", ") + ")" }, String(n));
      if (n === state.current) button.setAttribute("aria-current", "step");
      button.addEventListener("click", function () { show("exam-paper"); goTo(n); });
      grid.appendChild(button);
    });
  }

  function step(delta) {
    var total = state.items.length;
    goTo(((state.current - 1 + delta) % total + total) % total + 1);
  }

  function toggleFlag() {
    var n = state.current;
    if (state.flags[n]) delete state.flags[n]; else state.flags[n] = true;
    save();
    drawFlag();
    drawGrid();
  }

  /* ---- review screen ---- */

  function review() {
    leave();
    save();
    show("exam-review");
    var numbers = state.items.map(function (_, i) { return i + 1; });
    var open = numbers.filter(function (n) { return !answered(n); });
    var flagged = numbers.filter(function (n) { return state.flags[n]; });
    $("exam-review-line").textContent = fmt(T.review_line,
      { a: numbers.length - open.length, u: open.length, f: flagged.length });
    var lists = $("exam-review-lists");
    lists.textContent = "";
    [["unanswered", open], ["flagged", flagged]].forEach(function (pair) {
      if (!pair[1].length) return;
      var p = el("p", { "data-list": pair[0] }, fmt(T.label, { label: T[pair[0]] }));
      pair[1].forEach(function (n) {
        var b = el("button", { type: "button", class: "exam-jump", "data-item": String(n) }, String(n));
        b.addEventListener("click", function () { show("exam-paper"); goTo(n); });
        p.appendChild(b);
      });
      lists.appendChild(p);
    });
  }

  /* ---- the end ---- */

  function finish(timedOut) {
    if (!state) return;
    clearInterval(ticker);
    ticker = null;
    leave();
    var sat = state;
    state = null;
    storage(CURRENT_KEY, null);
    var report = grade(data, sat.items, sat.answers);
    var used = Math.min(sat.minutes * 60, (Math.min(Date.now(), sat.deadline) - sat.started) / 1000);
    var record = {
      date: new Date().toISOString(), seed: sat.seed, asked: sat.asked, minutes: sat.minutes,
      right: report.right, items: report.items, unanswered: report.unanswered,
      seconds: Math.round(used), timed_out: !!timedOut, areas: {},
    };
    report.areas.forEach(function (a) { record.areas[a.id] = [a.right, a.items]; });
    var history = storage(HISTORY_KEY) || [];
    history.push(record);
    storage(HISTORY_KEY, history);
    drawReport(report, sat, used, timedOut);
    drawHistory();
  }

  function table(head, rows) {
    var t = el("table", { class: "exam-table" });
    var tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) { t.appendChild(r); });
    return t;
  }

  function scoreRow(attrs, label, s) {
    var tr = el("tr", attrs);
    tr.setAttribute("data-right", String(s.right));
    tr.setAttribute("data-items", String(s.items));
    tr.appendChild(el("td", {}, label));
    tr.appendChild(el("td", {}, s.right + "/" + s.items));
    tr.appendChild(el("td", {}, s.percent.toFixed(0) + "%"));
    return tr;
  }

  function drawReport(report, sat, used, timedOut) {
    show("exam-report");
    var box = $("exam-report");
    box.textContent = "";
    box.setAttribute("data-right", String(report.right));
    box.setAttribute("data-items", String(report.items));
    box.setAttribute("data-unanswered", String(report.unanswered));
    if (timedOut) box.appendChild(el("p", { class: "exam-warning", id: "exam-time-up" }, T.time_up));
    box.appendChild(el("h2", { id: "exam-score" }, fmt(T.score, {
      right: report.right, n: report.items, percent: report.percent.toFixed(0),
      unanswered: report.unanswered,
    })));
    box.appendChild(el("p", {}, fmt(T.time_used, { used: clockText(used) })));
    box.appendChild(el("p", { class: "note exam-per-item" }, T.per_item + " " + report.rows.map(function (r) {
      return fmt(T.label, { label: r.number }) + (r.answered ? Math.round(sat.seconds[r.number] || 0) : "–");
    }).join(" · ")));
    if (report.items < sat.asked) box.appendChild(el("p", { class: "note" }, fmt(T.short, { n: sat.asked, m: report.items })));
    if (sat.empty && sat.empty.length) {
      box.appendChild(el("p", { class: "note" }, fmt(T.empty_areas, { areas: sat.empty.map(function (a) { return data.titles[a]; }).join(", ") })));
    }
    box.appendChild(el("h3", {}, T.areas));
    box.appendChild(table([T.area, T.right, "%"], report.areas.map(function (a) {
      return scoreRow({ "data-area": a.id }, a.title, a);
    })));
    box.appendChild(el("h3", {}, T.topics));
    box.appendChild(table([T.topic, T.right, "%"], report.topics.map(function (t) {
      return scoreRow({ "data-topic": t.topic }, t.title + " (" + t.topic + ")", t);
    })));
    if (report.weakest.length) {
      box.appendChild(el("p", {}, T.weakest));
      var ul = el("ul", { class: "exam-weakest" });
      report.weakest.forEach(function (t) {
        var li = el("li", {}, fmt(T.label, { label: t.title }));
        li.appendChild(el("code", {}, "eprep quiz " + t.topic));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    box.appendChild(el("h3", {}, T.missed));
    if (!report.missed.length) box.appendChild(el("p", {}, T.no_missed));
    report.missed.forEach(function (n) {
      var item = sat.items[n - 1];
      var v = lookup(data, item).v;
      var picks = sat.answers[n] || [];
      var art = el("article", { class: "question exam-missed", "data-number": String(n),
        "data-question": item.id });
      art.appendChild(html("h4", "", n + ". " + v.title));
      art.appendChild(html("div", "prompt", v.prompt));
      if (v.code) art.appendChild(html("div", "code-template", v.code));
      if (v.lines.length) {
        var ol = el("ol", { class: "derivation-lines" });
        v.lines.forEach(function (line, i) { ol.appendChild(html("li", "", (i ? "= " : "") + line)); });
        art.appendChild(ol);
      }
      v.groups.forEach(function (group, g) {
        var mark = group.mark ? group.mark + " " : "";
        var key = el("div", { class: "exam-key" });
        key.appendChild(el("strong", {}, fmt(T.label, { label: mark + T.key })));
        key.appendChild(html("span", "option-body", group.options[v.correct[g]]));
        art.appendChild(key);
        var yours = el("div", { class: "exam-yours" });
        yours.appendChild(el("strong", {}, fmt(T.label, { label: mark + T.yours })));
        if (typeof picks[g] === "number") yours.appendChild(html("span", "option-body", group.options[picks[g]]));
        else yours.appendChild(el("span", {}, T.none));
        art.appendChild(yours);
      });
      art.appendChild(el("h5", {}, T.explanation));
      art.appendChild(html("div", "explanation", v.explanation));
      box.appendChild(art);
    });
    var share = el("p", { class: "exam-share" }, T.share + " ");
    share.appendChild(el("a", { href: shareUrl(sat.seed, sat.asked, sat.minutes) }, T.again));
    box.appendChild(share);
  }

  /* ---- history ---- */

  function drawHistory() {
    var box = $("exam-history");
    box.textContent = "";
    var history = storage(HISTORY_KEY) || [];
    if (!history.length) { box.appendChild(el("p", {}, T.no_history)); return; }
    var head = [T.date, T.seed_col, T.score_col].concat(data.weights.map(function (w) { return data.titles[w.area]; }));
    var rows = history.slice().reverse().map(function (h) {
      var tr = el("tr", { "data-seed": String(h.seed), "data-right": String(h.right), "data-items": String(h.items) });
      tr.appendChild(el("td", {}, new Date(h.date).toLocaleString(data.lang)));
      var seed = el("td");
      seed.appendChild(el("a", { href: shareUrl(h.seed, h.asked, h.minutes) }, String(h.seed)));
      tr.appendChild(seed);
      tr.appendChild(el("td", {}, h.right + "/" + h.items + " (" + (h.items ? 100 * h.right / h.items : 0).toFixed(0) + "%)"));
      data.weights.forEach(function (w) {
        var a = h.areas && h.areas[w.area];
        tr.appendChild(el("td", { "data-area": w.area }, a ? a[0] + "/" + a[1] : "–"));
      });
      return tr;
    });
    box.appendChild(table(head, rows));
  }

  function drawWeights() {
    var byArea = pools(data);
    var t = $("exam-weights-table");
    var head = el("tr");
    [T.area, T.weight_share, T.pool].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(head);
    data.weights.forEach(function (w) {
      var tr = el("tr", { "data-area": w.area });
      tr.appendChild(el("td", {}, data.titles[w.area]));
      tr.appendChild(el("td", {}, String(w.share)));
      tr.appendChild(el("td", {}, String(byArea[w.area].length)));
      t.appendChild(tr);
    });
  }

  /* ---- wiring ---- */

  function label(node, text) {
    // `backticks` in an interface string are code
    node.textContent = "";
    text.split("`").forEach(function (part, i) {
      node.appendChild(i % 2 ? el("code", {}, part) : document.createTextNode(part));
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-s]"), function (node) {
      label(node, T[node.getAttribute("data-s")]);
    });
    var params = new URLSearchParams(window.location.search);
    var form = $("exam-start");
    form.elements.count.value = data.defaults.count;
    form.elements.minutes.value = data.defaults.minutes;
    ["seed", "count", "minutes"].forEach(function (name) {
      if (params.get(name) !== null) form.elements[name].value = params.get(name);
    });
    form.addEventListener("submit", start);
    $("exam-prev").addEventListener("click", function () { step(-1); });
    $("exam-next").addEventListener("click", function () { step(1); });
    $("exam-flag").addEventListener("click", toggleFlag);
    $("exam-to-review").addEventListener("click", review);
    $("exam-back").addEventListener("click", function () { show("exam-paper"); goTo(state.current); });
    $("exam-submit").addEventListener("click", function () { finish(false); });
    var saved = storage(CURRENT_KEY);
    if (saved && saved.items) {
      try {
        saved.items.forEach(function (item) { lookup(data, item); });
        $("exam-resume-box").hidden = false;
        $("exam-resume").addEventListener("click", function () {
          state = saved;
          if (Date.now() >= state.deadline) finish(true); else sit();
        });
      } catch (e) { storage(CURRENT_KEY, null); } // a paper of another build: it cannot go on
    }
    drawWeights();
    drawHistory();
    show("exam-setup");
  }

  init();
})();
