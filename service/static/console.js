// fenliu operator console. Plain browser JavaScript, no build step.
// Every input event asks /v1/suggest for the whole text; the request for a stale text is
// aborted and only the newest answer is drawn, so the screen never goes back to an older
// suggestion. Nothing is sent while an input-method (IME) composition is open.
"use strict";

const $ = (id) => document.getElementById(id);
const STORE = { profile: "fenliu.profile", operator: "fenliu.operator", token: "fenliu.token" };
const REASONS = {
  low_confidence: "模型把握不足",
  short_text: "内容太短",
};
const DISPATCH_POLICE = "属公安警情，由公安机关处置";

const state = {
  taxonomy: null,          // {matter: {code: name}, tiers: {code: name}}
  profile: null,           // GET /v1/profiles/{code}
  suggestion: null,        // the prediction object drawn now
  suggestedText: "",       // the text that prediction belongs to
  seq: 0,                  // number of the newest suggestion request
  controller: null,        // AbortController of the request in flight
  composing: false,
  startedAt: null,         // first keystroke of this call (hand-over timer)
  idempotencyKey: null,    // one per call, reused when a confirm is retried
  edited: false,           // the operator changed the route by hand
  confirming: false,
};

class ApiFailure extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function authHeaders() {
  const token = sessionStorage.getItem(STORE.token);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function api(path, { method = "GET", body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method, signal,
      headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...authHeaders() },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiFailure(0, "网络连接失败，服务暂时无法访问");
  }
  let payload = null;
  try { payload = await response.json(); } catch (_) { /* a proxy's HTML error page */ }
  if (!response.ok) {
    const message = payload && payload.error ? payload.error.message : `服务返回错误（HTTP ${response.status}）`;
    if (response.status === 401) throw new ApiFailure(401, "需要接警员令牌：请点“令牌”填写后重试");
    if (response.status >= 500) throw new ApiFailure(response.status, `服务异常（HTTP ${response.status}）：${message}`);
    throw new ApiFailure(response.status, message);
  }
  return payload;
}

// ---- messages -------------------------------------------------------------------------------
function showStatus(message, kind = "error") {
  const box = $("status");
  box.textContent = message;
  box.className = kind === "ok" ? "status ok" : "status";
  box.hidden = false;
}
function clearStatus() { $("status").hidden = true; }

// ---- contract data --------------------------------------------------------------------------
async function loadTaxonomy() {
  const t = await api("/v1/taxonomy");
  state.taxonomy = {
    matter: Object.fromEntries(t.matter_types.map((m) => [m.code, m.name])),
    tiers: Object.fromEntries(t.tiers.map((x) => [x.code, x.name])),
  };
  fillSelect($("chosen-matter"), t.matter_types.map((m) => [m.code, `${m.name}（${m.code}）`]));
  fillSelect($("chosen-tier"), t.tiers.map((x) => [x.code, x.name]));
}

async function loadProfiles() {
  const data = await api("/v1/profiles");
  const remembered = localStorage.getItem(STORE.profile);
  const codes = data.profiles.map((p) => p.code);
  fillSelect($("profile"), data.profiles.map((p) => [p.code, `${p.name}（${p.code}）`]));
  $("profile").value = codes.includes(remembered) ? remembered : data.default;
  await loadProfile($("profile").value);
}

async function loadProfile(code) {
  state.profile = await api(`/v1/profiles/${encodeURIComponent(code)}`);
  fillSelect($("chosen-unit"), Object.keys(state.profile.units).map((u) => [u, u]));
  localStorage.setItem(STORE.profile, code);
}

function fillSelect(select, options) {
  select.replaceChildren(...options.map(([value, label]) => new Option(label, value)));
}

// ---- suggestions ----------------------------------------------------------------------------
function onTextChanged() {
  const text = $("text").value;
  if (text && !state.startedAt) startTimer();
  requestSuggestion(text);
}

async function requestSuggestion(text) {
  if (state.controller) state.controller.abort();
  const seq = ++state.seq;
  if (!text.trim()) {
    state.controller = null;
    drawSuggestion(null, "");
    return;
  }
  const controller = new AbortController();
  state.controller = controller;
  try {
    const prediction = await api("/v1/suggest", {
      method: "POST", signal: controller.signal, body: { text, profile: $("profile").value },
    });
    if (seq !== state.seq) return;          // a newer text was typed meanwhile
    clearStatus();
    drawSuggestion(prediction, text);
  } catch (error) {
    if (error.name === "AbortError" || seq !== state.seq) return;
    showStatus(`建议暂不可用：${error.message}。已输入的内容已保留，可继续输入或手动选择路由。`);
  }
}

function drawSuggestion(prediction, text) {
  state.suggestion = prediction;
  state.suggestedText = text;
  $("card").hidden = !prediction;
  $("empty").hidden = Boolean(prediction);
  drawHighlight(prediction, text);
  if (!prediction) return;
  const tierName = state.taxonomy.tiers[prediction.tier] || prediction.tier;
  const tier = $("tier");
  tier.textContent = tierName;
  tier.className = `badge ${prediction.tier}`;
  $("matter").textContent = prediction.matter_name;
  $("confidence").textContent = `把握 ${Math.round(prediction.confidence * 100)}%`;
  $("unit").textContent = prediction.department.name;
  $("clause").textContent = prediction.department.clause ? `依据 ${prediction.department.clause}` : "";
  const dispatch = $("dispatch");
  dispatch.textContent = dispatchText(prediction);
  dispatch.className = `dispatch ${prediction.dispatch}`;
  $("needs-human").hidden = !prediction.needs_human;
  $("needs-human-why").textContent = prediction.needs_human
    ? `（${(prediction.needs_human_reasons || []).map((r) => REASONS[r] || r).join("、") || "模型把握不足"}，建议仅供参考）` : "";
  const flags = $("flags");
  flags.replaceChildren(...prediction.red_flags.map((f) => mark(f.text)));
  $("flags-line").hidden = prediction.red_flags.length === 0;
  $("evidence").replaceChildren(...prediction.evidence.slice(0, 6).map((e) => chip(e.term)));
  $("alternatives").replaceChildren(...prediction.alternatives.slice(0, 3).map((alt, i) => {
    const li = document.createElement("li");
    const key = document.createElement("kbd");
    key.textContent = `Alt+${i + 1}`;
    li.append(key, `${alt.matter_name} · ${alt.department.name}（${Math.round(alt.probability * 100)}%）`);
    return li;
  }));
  $("model-version").textContent = prediction.model_version;
  if (!state.edited) setRoute(prediction.matter_type, prediction.department.name, prediction.tier);
}

function dispatchText(p) {
  const unit = p.department.name;
  const limits = state.profile ? state.profile.limits : null;
  if (p.dispatch === "police") return DISPATCH_POLICE;
  if (p.dispatch === "police_first") return `紧急：公安先期处置，并同时通知${unit}`;
  const minutes = limits ? limits.handover_minutes : 3;
  const days = limits ? limits.closing_working_days : 2;
  return `${minutes}分钟内推送至${unit}，${days}个工作日内办结`;
}

function drawHighlight(prediction, text) {
  const box = $("highlight");
  const flags = prediction ? [...prediction.red_flags].sort((a, b) => a.start - b.start) : [];
  box.hidden = flags.length === 0;
  if (!flags.length) { box.replaceChildren(); return; }
  const parts = [];
  let at = 0;
  for (const f of flags) {
    if (f.start < at) continue;
    parts.push(text.slice(at, f.start), mark(text.slice(f.start, f.end)));
    at = f.end;
  }
  parts.push(text.slice(at));
  box.replaceChildren(...parts);
}

function mark(text) { const m = document.createElement("mark"); m.textContent = text; return m; }
function chip(text) { const s = document.createElement("span"); s.className = "chip"; s.textContent = text; return s; }

// ---- the route the operator confirms --------------------------------------------------------
function unitFor(matterType) {
  const route = state.profile && state.profile.routes[matterType];
  return route ? route.unit : "";
}

function setRoute(matterType, unit, tier) {
  $("chosen-matter").value = matterType;
  $("chosen-unit").value = unit || unitFor(matterType);
  $("chosen-tier").value = tier;
}

function markEdited(edited) {
  state.edited = edited;
  const label = $("route-state");
  label.textContent = edited ? "已手动修改（Alt+0 恢复建议）" : "跟随建议";
  label.className = edited ? "route-state edited" : "route-state";
}

function takeAlternative(index) {
  const alt = state.suggestion && state.suggestion.alternatives[index];
  if (!alt) { showStatus(`没有第${index + 1}个备选`); return; }
  setRoute(alt.matter_type, alt.department.name, $("chosen-tier").value || state.suggestion.tier);
  markEdited(true);
  confirmCall();
}

function restoreSuggestion() {
  markEdited(false);
  const p = state.suggestion;
  if (p) setRoute(p.matter_type, p.department.name, p.tier);
}

async function confirmCall() {
  if (state.confirming) return;
  const text = $("text").value;
  const operator = $("operator").value.trim();
  const matter = $("chosen-matter").value;
  if (!text.trim()) { showStatus("请先输入来电内容"); return; }
  if (!operator) { showStatus("请先填写接警员工号（页面顶部）"); $("operator").focus(); return; }
  if (!state.suggestion && !state.edited) { showStatus("尚无分流建议：请稍候，或手动选择事项类型后再确认"); return; }
  state.idempotencyKey = state.idempotencyKey || crypto.randomUUID();
  const body = {
    text, operator_id: operator, profile: $("profile").value,
    suggestion: state.suggestion,
    chosen: { matter_type: matter, unit: $("chosen-unit").value || null, tier: $("chosen-tier").value },
    idempotency_key: state.idempotencyKey,
    started_at: state.startedAt ? new Date(state.startedAt).toISOString() : null,
  };
  state.confirming = true;
  $("confirm").disabled = true;
  try {
    const result = await api("/v1/calls", { method: "POST", body });
    resetCall();
    showStatus(`已记录：${state.taxonomy.matter[matter] || matter} → ${body.chosen.unit}（编号 ${result.id.slice(0, 8)}）`, "ok");
    loadRecent();
    loadBoard();
  } catch (error) {
    showStatus(`记录失败：${error.message}。来电内容与所选路由均已保留，请按 Enter 重试。`);
  } finally {
    state.confirming = false;
    $("confirm").disabled = false;
    $("text").focus();
  }
}

function resetCall() {
  if (state.controller) state.controller.abort();
  state.seq += 1;
  $("text").value = "";
  drawSuggestion(null, "");
  markEdited(false);
  state.idempotencyKey = null;
  stopTimer();
}

// ---- the hand-over timer --------------------------------------------------------------------
let timerHandle = null;
function startTimer() {
  state.startedAt = Date.now();
  $("timer").hidden = false;
  tick();
  timerHandle = setInterval(tick, 250);
}
function stopTimer() {
  clearInterval(timerHandle);
  timerHandle = null;
  state.startedAt = null;
  $("timer").hidden = true;
}
function tick() {
  const limit = (state.profile ? state.profile.limits.handover_minutes : 3) * 60;
  const elapsed = Math.floor((Date.now() - state.startedAt) / 1000);
  const clock = (s) => `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  const timer = $("timer");
  if (elapsed > limit) {
    timer.textContent = `移交已超时 ${clock(elapsed - limit)}`;
    timer.className = "timer overdue";
  } else {
    timer.textContent = `移交计时 ${clock(elapsed)} / ${clock(limit)}`;
    timer.className = elapsed > limit * 2 / 3 ? "timer warn" : "timer";
  }
}

// ---- the operator's recent calls ------------------------------------------------------------
async function loadRecent() {
  const operator = $("operator").value.trim();
  if (!operator) { $("recent").replaceChildren(); return; }
  try {
    const data = await api(`/v1/calls?operator_id=${encodeURIComponent(operator)}&limit=8`);
    $("recent").replaceChildren(...data.calls.map((c) => {
      const li = document.createElement("li");
      const when = document.createElement("span");
      when.className = "when";
      when.textContent = new Date(c.created_at).toLocaleTimeString("zh-CN", { hour12: false });
      const tier = document.createElement("span");
      tier.className = `badge small ${c.chosen_tier}`;
      tier.textContent = state.taxonomy.tiers[c.chosen_tier] || c.chosen_tier;
      const route = document.createElement("span");
      route.textContent = `${state.taxonomy.matter[c.chosen_matter_type] || c.chosen_matter_type} → ${c.chosen_unit}`;
      const snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.textContent = c.text_masked;
      li.append(when, tier, route, snippet);
      return li;
    }));
  } catch (error) {
    showStatus(`最近来电加载失败：${error.message}`);
  }
}

// ---- the dispatch board: open calls, overdue first -------------------------------------------
const STATES = { dispatched: "已派单", arrived: "已到场", sent_back: "被退回待改派" };
const DEADLINES = { handover: "移交", closing: "办结", major_report_phone: "电话报告", major_report_written: "书面报告" };

async function loadBoard() {
  try {
    const data = await api(`/v1/board?profile=${encodeURIComponent($("profile").value)}`);
    const now = Date.parse(data.now);
    $("board").replaceChildren(...data.calls.slice(0, 30).map((c) => {
      const li = document.createElement("li");
      if (c.overdue.length) li.className = "overdue";
      const stage = document.createElement("span");
      stage.className = "state";
      stage.textContent = STATES[c.state] || c.state;
      const tier = document.createElement("span");
      tier.className = `badge small ${c.tier}`;
      tier.textContent = state.taxonomy.tiers[c.tier] || c.tier;
      const unit = document.createElement("span");
      unit.textContent = c.unit || "";
      const snippet = document.createElement("span");
      snippet.className = "snippet";
      snippet.textContent = c.text;
      const due = document.createElement("span");
      due.className = "due";
      due.textContent = c.overdue.length
        ? `超时：${c.overdue.map((n) => DEADLINES[n] || n).join("、")}`
        : c.next_due ? `剩 ${remaining(Date.parse(c.next_due) - now)}` : "";
      li.append(stage, tier, unit, snippet, due);
      return li;
    }));
  } catch (error) {
    if (error.status !== 401) showStatus(`派单看板加载失败：${error.message}`);
  }
}

function remaining(ms) {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  if (minutes < 60) return `${minutes}分钟`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}小时`;
  return `${Math.floor(minutes / 1440)}天`;
}

// ---- wiring ---------------------------------------------------------------------------------
function wire() {
  const text = $("text");
  text.addEventListener("compositionstart", () => { state.composing = true; });
  text.addEventListener("compositionend", () => { state.composing = false; onTextChanged(); });
  text.addEventListener("input", (event) => {
    if (event.isComposing || state.composing) return;
    onTextChanged();
  });
  document.addEventListener("keydown", (event) => {
    if (event.isComposing || event.keyCode === 229) return;   // Enter that commits an IME candidate
    if (event.altKey && ["1", "2", "3"].includes(event.key)) {
      event.preventDefault();
      takeAlternative(Number(event.key) - 1);
    } else if (event.altKey && event.key === "0") {
      event.preventDefault();
      restoreSuggestion();
    } else if (event.key === "Enter" && !event.shiftKey && !event.altKey && event.target === text) {
      event.preventDefault();
      confirmCall();
    }
  });
  $("confirm").addEventListener("click", confirmCall);
  $("chosen-matter").addEventListener("change", () => {
    $("chosen-unit").value = unitFor($("chosen-matter").value);
    markEdited(true);
  });
  for (const id of ["chosen-unit", "chosen-tier"]) $(id).addEventListener("change", () => markEdited(true));
  $("profile").addEventListener("change", async () => {
    try {
      await loadProfile($("profile").value);
      requestSuggestion($("text").value);
      loadBoard();
    } catch (error) { showStatus(`辖区配置加载失败：${error.message}`); }
  });
  $("operator").addEventListener("change", () => {
    localStorage.setItem(STORE.operator, $("operator").value.trim());
    loadRecent();
  });
  $("token").addEventListener("change", () => {
    const token = $("token").value.trim();
    if (token) sessionStorage.setItem(STORE.token, token); else sessionStorage.removeItem(STORE.token);
    loadRecent();
  });
}

async function start() {
  wire();
  $("operator").value = localStorage.getItem(STORE.operator) || "";
  $("token").value = sessionStorage.getItem(STORE.token) || "";
  try {
    await loadTaxonomy();
    await loadProfiles();
    loadRecent();
    loadBoard();
    setInterval(loadBoard, 15000);
  } catch (error) {
    showStatus(`启动失败：${error.message}。请检查服务是否运行后刷新页面。`);
  }
  $("text").focus();
}

document.addEventListener("DOMContentLoaded", start);
