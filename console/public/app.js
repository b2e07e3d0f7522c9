// The govgraph console: plain ES modules over /graphql. Each view asks only for the
// fields the reader's roles may select (resolvers/access.py), so nothing is refused.
import { ApiError, claims, download, gql, setToken, token } from "./api.js";
import { lang, t, toggleLang } from "./i18n.js";

const ALL = ["VIEWER", "PLANNER", "AUDITOR", "GRID_WORKER", "CASE_HANDLER"];
const RIGHTS = {
  households: ["PLANNER", "AUDITOR", "GRID_WORKER"],
  people: ["GRID_WORKER"],
  personIds: ["AUDITOR", "GRID_WORKER", "CASE_HANDLER"],
  history: ["AUDITOR", "GRID_WORKER"],
  planning: ["PLANNER", "AUDITOR"],
  cases: ["AUDITOR", "GRID_WORKER", "CASE_HANDLER"],
  caseWork: ["GRID_WORKER", "CASE_HANDLER"],
  accessLog: ["AUDITOR"],
  everyone: ALL,
};
const reader = { roles: [], scope: null, sub: null, off: false, home: null };

function can(right) {
  return reader.roles.includes("ADMIN") || RIGHTS[right].some((role) => reader.roles.includes(role));
}

const main = () => document.getElementById("main");
const esc = (value) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (value) => `${(value * 100).toFixed(1)}%`;
const link = (href, text) => `<a href="#${esc(href)}">${esc(text)}</a>`;
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); // Asia/Shanghai

function show(html) {
  main().innerHTML = html;
}

function fail(error) {
  show(`<div class="error" data-code="${esc(error.code)}">${esc(error.message)}</div>`);
}

function person(p) {
  return p.id ? link(`/person/${p.id}`, p.name) : esc(p.name);
}

function params() {
  const [path, query] = location.hash.slice(1).split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

// ---------------------------------------------------------------- sign-in

async function signIn() {
  const stored = token();
  if (stored) {
    const claim = claims(stored);
    Object.assign(reader, { roles: claim.roles || [], scope: claim.scope || null, sub: claim.sub || null });
    try {
      await gql("{ __typename }");
    } catch (error) {
      setToken(null);
      return signInForm(t("badToken") + `: ${error.message}`);
    }
  } else {
    try {
      await gql("{ __typename }");
      Object.assign(reader, { roles: ["ADMIN"], scope: null, sub: null, off: true });
    } catch (error) {
      return signInForm(error.status === 401 ? "" : error.message);
    }
  }
  reader.home = reader.scope ? reader.scope[0] : (await gql("{ topRegions { code } }")).topRegions[0].code;
  return true;
}

function signInForm(message) {
  header();
  show(`<div class="signin"><h1>${t("signIn")}</h1>
    ${message ? `<div class="error">${esc(message)}</div>` : ""}
    <p>${t("tokenHelp")}</p>
    <form id="signin"><textarea id="token" required></textarea>
    <p><button class="primary" type="submit">${t("signIn")}</button></p></form></div>`);
  document.getElementById("signin").onsubmit = (event) => {
    event.preventDefault();
    setToken(document.getElementById("token").value.trim());
    start();
  };
  return false;
}

function header() {
  document.querySelector(".brand").textContent = t("brand");
  document.getElementById("search").placeholder = t("search");
  document.getElementById("lang").textContent = lang() === "en" ? "中文" : "English";
  const out = document.getElementById("sign-out");
  out.textContent = t("signOut");
  out.hidden = !token();
  const items = [];
  if (reader.home) {
    items.push(["places", `/place/${reader.home}`]);
    if (can("planning")) items.push(["coverage", `/coverage/${reader.home}`]);
    if (can("cases")) items.push(["cases", "/cases"]);
    if (can("accessLog")) items.push(["log", "/log"]);
  }
  const here = location.hash.slice(1).split("/")[1];
  document.getElementById("nav").innerHTML = items
    .map(([key, href]) => `<a href="#${href}" class="${href.split("/")[1] === here ? "active" : ""}">${t(key)}</a>`)
    .join("");
  document.getElementById("who").innerHTML = reader.home
    ? `${t("role")}: <b id="roles">${esc(reader.roles.join(", "))}</b> · ${t("scope")}: <b id="scope">${esc(reader.scope ? reader.scope.join(", ") : t("wholeCity"))}</b>${reader.sub ? ` · ${esc(reader.sub)}` : ""}`
    : "";
}

// ---------------------------------------------------------------- places

async function place(code) {
  // A code is a region's or a grid's; a scoped reader may be given either.
  try {
    const found = await gql("query($code: String!) { region(code: $code) { code } }", { code });
    if (found.region) return region(code);
  } catch (error) {
    if (error.code !== "FORBIDDEN" && error.code !== "NOT_FOUND") throw error;
  }
  return grid(code);
}

function list(title, items, render) {
  return `<h2>${t(title)} <span class="muted">${items.length}</span></h2>` +
    (items.length ? `<ul>${items.map((item) => `<li>${render(item)}</li>`).join("")}</ul>` : `<p class="muted">${t("none")}</p>`);
}

const orgLink = (o) => `${link(`/party/${o.id}`, o.name)} <span class="tag">${esc(o.level)}</span>`;
const stationText = (s) => `${esc(s.name)} <span class="tag">${esc(s.kind)}</span> <span class="muted">${esc(s.address)}</span>`;

async function crumbs(regionCode) {
  const data = await gql(`query($code: String!) { grid: region(code: $code) { code name
      parent { code name parent { code name parent { code name parent { code name } } } } } }`, { code: regionCode }).catch(() => null);
  const chain = [];
  for (let r = data && data.grid; r; r = r.parent) chain.unshift(r);
  return `<div class="crumbs">${chain.map((r) => link(`/place/${r.code}`, r.name)).join(" › ")}</div>`;
}

async function region(code) {
  const data = await gql(`query($code: String!) { region(code: $code) { code name level
      children(first: 200) { nodes { code name level } }
      centers { id name level } stations { id name kind address } partyOrganizations { id name level } } }`, { code });
  const r = data.region;
  let grids = [];
  if (r.level === "COMMUNITY" || r.level === "VILLAGE") {
    grids = (await gql(`query($code: String!) { region(code: $code) { grids(first: 200) { nodes { code name kind } } } }`, { code })).region.grids.nodes;
  }
  show(`${await crumbs(code)}<h1>${esc(r.name)} <span class="tag">${esc(r.level)}</span> <span class="muted">${esc(r.code)}</span>
    ${can("planning") ? link(`/coverage/${r.code}`, t("coverageOf")) : ""}</h1>
    <div class="cards">
      <div class="card">${list("children", r.children.nodes, (c) => link(`/place/${c.code}`, c.name))}
        ${grids.length ? list("grids", grids, (g) => `${link(`/grid/${g.code}`, g.name)} <span class="tag">${esc(g.kind)}</span>`) : ""}</div>
      <div class="card">${list("centers", r.centers, (c) => `${esc(c.name)} <span class="tag">${esc(c.level)}</span>`)}</div>
      <div class="card">${list("stations", r.stations, stationText)}</div>
      <div class="card">${list("organizations", r.partyOrganizations, orgLink)}</div>
    </div>`);
}

async function grid(code) {
  const id = can("personIds") ? "id" : "";
  const data = await gql(`query($code: String!) { grid(code: $code) { code name kind region { code name }
      workers { ${id} name } branches { id name level } stations { id name kind address }
      buildings(first: 200) { totalCount nodes { code name address } } } }`, { code });
  const g = data.grid;
  show(`${await crumbs(g.region.code)}<h1>${esc(g.name)} <span class="tag">${esc(g.kind)}</span> <span class="muted">${esc(g.code)}</span>
    ${can("planning") ? link(`/coverage/${g.code}`, t("coverageOf")) : ""}</h1>
    <div class="cards">
      <div class="card">${list("buildings", g.buildings.nodes, (b) => `${link(`/building/${b.code}`, b.name || b.code)} <span class="muted">${esc(b.address)}</span>`)}</div>
      <div class="card">${list("workers", g.workers, person)}${list("branches", g.branches, orgLink)}</div>
      <div class="card">${list("stations", g.stations, stationText)}</div>
    </div>`);
}

async function building(code) {
  const id = can("personIds") ? "id" : "";
  const households = can("households") ? "covered households(first: 200) { nodes { id door kind covered } }" : "";
  const data = await gql(`query($code: String!) { building(code: $code) { code name address
      grid { code name region { code } } partyGroups { id name level } leaders { ${id} name } ${households} } }`, { code });
  const b = data.building;
  show(`${await crumbs(b.grid.region.code)}<h1>${esc(b.name || b.code)} <span class="muted">${esc(b.address)}</span></h1>
    <p>${t("grid")}: ${link(`/grid/${b.grid.code}`, b.grid.name)}
    ${b.covered === undefined ? "" : `· <span class="tag">${t(b.covered ? "covered" : "notCovered")}</span>`}</p>
    <div class="cards">
      ${b.households ? `<div class="card">${list("households", b.households.nodes, (h) => `${link(`/household/${h.id}`, h.door || h.id)} <span class="tag">${t(h.covered ? "covered" : "notCovered")}</span>`)}</div>` : ""}
      <div class="card">${list("partyGroups", b.partyGroups, orgLink)}${list("leaders", b.leaders, person)}</div>
    </div>`);
}

async function household(id) {
  const pid = can("personIds") ? "id" : "";
  const members = can("people") ? "members { id name gender birthYear phone idNumber }" : "";
  const data = await gql(`query($id: ID!) { household(id: $id) { id door kind covered
      coveredBy { ${pid} name } building { code name grid { code name region { code } } } ${members} } }`, { id });
  const h = data.household;
  show(`${await crumbs(h.building.grid.region.code)}<h1>${esc(h.building.name)} ${esc(h.door)} <span class="muted">${esc(h.id)}</span></h1>
    <p>${link(`/grid/${h.building.grid.code}`, h.building.grid.name)} › ${link(`/building/${h.building.code}`, h.building.name || h.building.code)}
    · <span class="tag">${t(h.covered ? "covered" : "notCovered")}</span></p>
    <div class="cards"><div class="card">${list("coveredBy", h.coveredBy, person)}</div>
    ${h.members ? `<div class="card">${list("members", h.members, (m) => `${person(m)} <span class="muted">${esc(m.gender)} ${esc(m.birthYear)} ${esc(m.phone)} ${esc(m.idNumber)}</span>`)}</div>` : ""}</div>`);
}

// ---------------------------------------------------------------- coverage

const FIGURES = "within name asOf buildings coveredBuildings households coveredHouseholds grids gridsWithWorker buildingCoverage householdCoverage";

async function coverage(code, query) {
  const asOf = query.get("asOf") || today();
  const data = await gql(`query($code: String!, $asOf: Date) { coverage(within: $code, asOf: $asOf) { ${FIGURES} children { ${FIGURES} } } }`, { code, asOf });
  const c = data.coverage;
  const rows = [c, ...c.children];
  const partLink = (row) => row === c ? `<b>${esc(row.name)}</b>` : link(`/coverage/${row.within}?asOf=${asOf}`, row.name);
  show(`<h1>${esc(c.name)} · ${t("coverageOf")}</h1>
    <form class="inline" id="as-of"><label>${t("asOf")}<input type="date" name="asOf" value="${esc(asOf)}" /></label>
      <button class="primary">${t("show")}</button>
      ${link(`/place/${code}`, t("places"))}
      <span class="muted">${t("cityCoverage")}</span></form>
    ${c.children.length ? '<div id="chart" class="chart"></div>' : ""}
    <table id="coverage-table"><tr><th>${t("name")}</th><th class="num">${t("householdCoverage")}</th><th class="num">${t("coveredHouseholds")}</th>
      <th class="num">${t("buildingCoverage")}</th><th class="num">${t("coveredBuildings")}</th><th class="num">${t("gridsWithWorker")}</th></tr>
      ${rows.map((row) => `<tr data-within="${esc(row.within)}"><td>${partLink(row)}</td><td class="num">${pct(row.householdCoverage)}</td>
        <td class="num">${row.coveredHouseholds} / ${row.households}</td><td class="num">${pct(row.buildingCoverage)}</td>
        <td class="num">${row.coveredBuildings} / ${row.buildings}</td><td class="num">${row.gridsWithWorker} / ${row.grids}</td></tr>`).join("")}
    </table>
    <p>${t("downloads")}: ${["coverage", "uncovered-buildings", "uncovered-households"].map((report) => `<button type="button" data-report="${report}">${report}.csv</button>`).join(" ")}</p>
    <div class="cards two"><div class="card" id="uncovered-buildings"></div><div class="card" id="uncovered-households"></div></div>`);
  document.getElementById("as-of").onsubmit = (event) => {
    event.preventDefault();
    location.hash = `#/coverage/${code}?asOf=${new FormData(event.target).get("asOf")}`;
  };
  for (const button of document.querySelectorAll("[data-report]")) {
    const report = button.dataset.report;
    button.onclick = () => download(`/reports/${report}.csv?within=${encodeURIComponent(code)}&asOf=${asOf}`, `${report}-${code}-${asOf}.csv`).catch(fail);
  }
  if (c.children.length) chart(c, asOf);
  await Promise.all([
    pagedList("uncovered-buildings", "uncoveredBuildings", "code name address grid { code name }", { code, asOf },
      (b) => `${link(`/building/${b.code}`, b.name || b.code)} <span class="muted">${esc(b.grid.name)} · ${esc(b.code)}</span>`),
    pagedList("uncovered-households", "uncoveredHouseholds", "id door building { code name }", { code, asOf },
      (h) => `${link(`/household/${h.id}`, `${h.building.name || h.building.code} ${h.door || ""}`)} <span class="muted">${esc(h.id)}</span>`),
  ]);
}

function chart(c, asOf) {
  const names = c.children.map((row) => row.name);
  const view = echarts.init(document.getElementById("chart"));
  view.setOption({
    animation: false,
    tooltip: { trigger: "axis", valueFormatter: (v) => `${v.toFixed(1)}%` },
    legend: { data: [t("householdCoverage"), t("buildingCoverage")] },
    grid: { left: 48, right: 16, bottom: 64 },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: t("householdCoverage"), type: "bar", data: c.children.map((row) => +(row.householdCoverage * 100).toFixed(1)) },
      { name: t("buildingCoverage"), type: "bar", data: c.children.map((row) => +(row.buildingCoverage * 100).toFixed(1)) },
    ],
  });
  view.on("click", (event) => {
    location.hash = `#/coverage/${c.children[event.dataIndex].within}?asOf=${asOf}`;
  });
}

async function pagedList(id, field, fields, { code, asOf }, render, after = null) {
  const box = document.getElementById(id);
  const data = await gql(`query($code: String!, $asOf: Date, $after: String) { list: ${field}(within: $code, asOf: $asOf, first: 20, after: $after) {
      totalCount nodes { ${fields} } pageInfo { hasNextPage endCursor } } }`, { code, asOf, after });
  const page = data.list;
  box.innerHTML = `<h2>${t(field)} <span class="muted">${t("total")} <span class="count">${page.totalCount}</span></span></h2>
    <ul class="items">${page.nodes.map((node) => `<li>${render(node)}</li>`).join("")}</ul>
    <div class="pager">${after ? `<button type="button" data-page="first">${t("first")}</button>` : ""}
      ${page.pageInfo.hasNextPage ? `<button type="button" data-page="next">${t("next")}</button>` : ""}</div>`;
  const again = (cursor) => pagedList(id, field, fields, { code, asOf }, render, cursor).catch(fail);
  const next = box.querySelector("[data-page=next]");
  if (next) next.onclick = () => again(page.pageInfo.endCursor);
  const first = box.querySelector("[data-page=first]");
  if (first) first.onclick = () => again(null);
}

// ---------------------------------------------------------------- party chain

async function party(id) {
  const tree = "id name level";
  const data = await gql(`query($id: ID!) { partyOrganization(id: $id) { ${tree} region { code name } parent { id name }
      children { ${tree} children { ${tree} children { ${tree} } } } } }`, { id });
  const o = data.partyOrganization;
  const branch = (node) => `<li>${orgLink(node)}${node.children && node.children.length ? `<ul>${node.children.map(branch).join("")}</ul>` : ""}</li>`;
  show(`<h1>${esc(o.name)} <span class="tag">${esc(o.level)}</span></h1>
    <p>${link(`/place/${o.region.code}`, o.region.name)}${o.parent ? ` · ${t("parent")}: ${link(`/party/${o.parent.id}`, o.parent.name)}` : ""}</p>
    <h2>${t("tree")}</h2><div class="tree"><ul>${branch(o)}</ul></div><div id="central"></div>`);
  if (can("households")) await centralHouseholds(o);
}

// The central households among the members of every organisation of the tree, and the
// households each covers: one small request per organisation, each within the limits.
async function centralHouseholds(root) {
  const orgs = [];
  const walk = (node) => { orgs.push(node); (node.children || []).forEach(walk); };
  walk(root);
  const fields = can("history")
    ? "id name assignments(history: true) { role since until targetHousehold { id door building { name } } }"
    : "name coveredHouseholds(first: 50) { nodes { id door building { name } } }";
  const found = await Promise.all(orgs.map((org) => gql(`query($id: ID!) { partyOrganization(id: $id) {
      members(first: 200) { nodes { ${fields} } } } }`, { id: org.id })));
  const rows = [];
  const seen = new Set(); // a member of several organisations of the tree is listed once
  found.forEach((data, index) => {
    for (const m of data.partyOrganization.members.nodes) {
      const covered = m.assignments
        ? m.assignments.filter((a) => a.role === "CENTRAL_HOUSEHOLD" && a.targetHousehold)
          .map((a) => ({ household: a.targetHousehold, since: a.since, until: a.until }))
        : m.coveredHouseholds.nodes.map((household) => ({ household }));
      for (const c of covered) {
        const key = `${m.id || m.name}|${c.household.id}|${c.since || ""}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(`<tr><td>${esc(orgs[index].name)}</td><td>${person(m)}</td>
          <td>${link(`/household/${c.household.id}`, `${c.household.building.name} ${c.household.door}`)}</td>
          <td>${esc(c.since || "")}</td><td>${esc(c.until || "")}</td></tr>`);
      }
    }
  });
  document.getElementById("central").innerHTML = `<h2>${t("centralHouseholds")}</h2>
    <table id="central-households"><tr><th>${t("organizations")}</th><th>${t("person")}</th><th>${t("household")}</th><th>${t("since")}</th><th>${t("until")}</th></tr>
    ${rows.join("") || `<tr><td colspan="5" class="muted">${t("none")}</td></tr>`}</table>`;
}

// ---------------------------------------------------------------- cases

const STATES = ["REPORTED", "ACCEPTED", "IN_PROGRESS", "RESOLVED", "CLOSED", "VOIDED", "REFERRED"];
const LEVELS = ["GRID", "COMMUNITY", "TOWNSHIP", "COUNTY", "CITY"];
const CATEGORIES = ["DISPUTE", "SERVICE_REQUEST", "HAZARD", "PROPOSAL"];
const ACTIONS = ["ACCEPT", "START", "ESCALATE", "RESOLVE", "REJECT", "CLOSE", "REOPEN", "REFER", "VOID", "NOTE"];
const options = (values, chosen) => `<option value="">${t("any")}</option>` +
  values.map((v) => `<option value="${v}" ${v === chosen ? "selected" : ""}>${v}</option>`).join("");

async function cases(query) {
  const filter = { within: query.get("within") || reader.home };
  for (const key of ["state", "category", "level"]) if (query.get(key)) filter[key] = query.get(key);
  if (query.get("overdue")) filter.overdue = query.get("overdue") === "true";
  if (query.get("from")) filter.reportedFrom = `${query.get("from")}T00:00:00+08:00`;
  if (query.get("to")) filter.reportedTo = `${query.get("to")}T23:59:59+08:00`;
  const after = query.get("after");
  const data = await gql(`query($filter: CaseFilter, $after: String) { cases(filter: $filter, first: 20, after: $after) {
      totalCount nodes { caseNo title category state level reportedAt grid { code name } } pageInfo { hasNextPage endCursor } } }`, { filter, after });
  const page = data.cases;
  const more = new URLSearchParams(query);
  more.set("after", page.pageInfo.endCursor || "");
  show(`<h1>${t("cases")}</h1>
    <form class="inline" id="case-filter">
      <label>${t("within")}<input name="within" value="${esc(filter.within)}" size="16" /></label>
      <label>${t("state")}<select name="state">${options(STATES, query.get("state"))}</select></label>
      <label>${t("category")}<select name="category">${options(CATEGORIES, query.get("category"))}</select></label>
      <label>${t("level")}<select name="level">${options(LEVELS, query.get("level"))}</select></label>
      <label>${t("overdue")}<select name="overdue"><option value="">${t("any")}</option>
        <option value="true" ${query.get("overdue") === "true" ? "selected" : ""}>${t("yes")}</option>
        <option value="false" ${query.get("overdue") === "false" ? "selected" : ""}>${t("no")}</option></select></label>
      <label>${t("from")}<input type="date" name="from" value="${esc(query.get("from"))}" /></label>
      <label>${t("to")}<input type="date" name="to" value="${esc(query.get("to"))}" /></label>
      <button class="primary">${t("filter")}</button></form>
    <p class="muted">${t("total")} <span id="case-count">${page.totalCount}</span></p>
    <table id="case-list"><tr><th>${t("caseNo")}</th><th>${t("title")}</th><th>${t("category")}</th><th>${t("state")}</th><th>${t("level")}</th><th>${t("grid")}</th><th>${t("reportedAt")}</th></tr>
      ${page.nodes.map((c) => `<tr><td>${link(`/case/${c.caseNo}`, c.caseNo)}</td><td>${esc(c.title)}</td><td>${esc(c.category)}</td><td>${esc(c.state)}</td>
        <td>${esc(c.level)}</td><td>${esc(c.grid.name)}</td><td>${esc(c.reportedAt.slice(0, 16).replace("T", " "))}</td></tr>`).join("")}</table>
    <div class="pager">${page.pageInfo.hasNextPage ? link(`/cases?${more}`, t("next")) : ""}</div>
    ${can("caseWork") ? reportForm() : ""}`);
  document.getElementById("case-filter").onsubmit = (event) => {
    event.preventDefault();
    const chosen = new URLSearchParams();
    for (const [key, value] of new FormData(event.target)) if (value) chosen.set(key, value);
    location.hash = `#/cases?${chosen}`;
  };
  const report = document.getElementById("report-case");
  if (report) report.onsubmit = submitReport;
}

function reportForm() {
  return `<h2>${t("reportCase")}</h2><form class="inline" id="report-case">
    <label>${t("title")}<input name="title" required size="30" /></label>
    <label>${t("category")}<select name="category">${CATEGORIES.map((c) => `<option>${c}</option>`).join("")}</select></label>
    <label>${t("grid")}<input name="gridCode" required value="${esc(reader.scope ? reader.scope[0] : "")}" /></label>
    <label>${t("note")}<input name="note" size="30" /></label>
    <button class="primary">${t("submit")}</button></form><div id="report-result"></div>`;
}

async function submitReport(event) {
  event.preventDefault();
  const form = Object.fromEntries(new FormData(event.target));
  const input = { title: form.title, category: form.category, gridCode: form.gridCode, note: form.note || null };
  if (reader.sub) input.reportedBy = reader.sub;
  try {
    const data = await gql("mutation($input: ReportCaseInput!) { reportCase(input: $input) { caseNo } }", { input });
    location.hash = `#/case/${data.reportCase.caseNo}`;
  } catch (error) {
    document.getElementById("report-result").innerHTML = `<div class="error">${esc(error.message)}</div>`;
  }
}

async function caseView(caseNo) {
  const data = await gql(`query($caseNo: String!) { case(caseNo: $caseNo) { caseNo title category state level reportedAt closedAt
      resolvedLevel historyIntact escalations grid { code name } reportedBy { name }
      events { seq at action fromState toState level note actor { name } center { name } } } }`, { caseNo });
  const c = data.case;
  const last = c.events[c.events.length - 1];
  show(`<h1>${esc(c.caseNo)} · ${esc(c.title)}</h1>
    <p><span class="tag">${esc(c.category)}</span><span class="tag" id="case-state">${esc(c.state)}</span><span class="tag">${esc(c.level)}</span>
      ${t("grid")}: ${link(`/grid/${c.grid.code}`, c.grid.name)} · ${t("reportedBy")}: ${esc(c.reportedBy ? c.reportedBy.name : "")}
      · ${t("escalations")}: ${c.escalations} ${c.resolvedLevel ? `· ${t("resolvedLevel")}: ${esc(c.resolvedLevel)}` : ""}
      · <b id="intact" class="${c.historyIntact ? "ok" : "error"}">${t(c.historyIntact ? "intact" : "broken")}</b></p>
    <h2>${t("history")}</h2>
    <ol class="timeline" id="timeline">${c.events.map((e) => `<li data-seq="${e.seq}"><b>${e.seq}. ${esc(e.action)}</b>
      <span class="tag">${esc(e.fromState || "")} → ${esc(e.toState)}</span><span class="tag">${esc(e.level)}</span>
      <span class="muted">${esc(e.at.slice(0, 16).replace("T", " "))}</span><br />
      ${t("actor")}: ${esc(e.actor ? e.actor.name : "")} · ${t("center")}: ${esc(e.center ? e.center.name : "")}
      ${e.note ? `<br />${t("note")}: ${esc(e.note)}` : ""}</li>`).join("")}</ol>
    ${can("caseWork") ? `<h2>${t("nextStep")}</h2><form class="inline" id="advance">
      <label>${t("action")}<select name="action">${ACTIONS.map((a) => `<option value="${a}">${a}</option>`).join("")}</select></label>
      <label>${t("center")}<input name="centerId" size="22" /></label>
      <label>${t("note")}<input name="note" size="40" /></label>
      <button class="primary">${t("submit")}</button></form><div id="advance-result"></div>` : ""}`);
  const form = document.getElementById("advance");
  if (form) {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const values = Object.fromEntries(new FormData(form));
      const input = { caseNo, action: values.action, expectedSeq: last.seq, note: values.note || null, centerId: values.centerId || null };
      if (reader.sub) input.actorId = reader.sub;
      try {
        await gql("mutation($input: AdvanceCaseInput!) { advanceCase(input: $input) { state } }", { input });
        await caseView(caseNo);
      } catch (error) {
        document.getElementById("advance-result").innerHTML = `<div class="error" data-code="${esc(error.code)}">${esc(error.message)}</div>`;
      }
    };
  }
}

// ---------------------------------------------------------------- people and the access log

async function personView(id) {
  const fields = ["id name"];
  if (can("people")) fields.push("gender birthYear idNumber phone household { id door building { code name } } partyMemberships(history: true) { kind since until organization { id name level } }");
  if (can("history")) fields.push("assignments(history: true) { role since until targetGrid { code name } targetBuilding { code name } targetHousehold { id door } }");
  if (can("households")) fields.push("coveredHouseholds(first: 50) { totalCount nodes { id door building { name } } }");
  const data = await gql(`query($id: ID!) { person(id: $id) { ${fields.join(" ")} } }`, { id });
  const p = data.person;
  const rows = [];
  if (p.gender !== undefined) {
    rows.push([t("gender"), esc(p.gender)], [t("birthYear"), esc(p.birthYear)], [t("idNumber"), `<span id="id-number">${esc(p.idNumber)}</span>`],
      [t("phone"), `<span id="phone">${esc(p.phone)}</span>`],
      [t("household"), p.household ? link(`/household/${p.household.id}`, `${p.household.building.name} ${p.household.door}`) : ""]);
  }
  const target = (a) => a.targetHousehold ? link(`/household/${a.targetHousehold.id}`, a.targetHousehold.door || a.targetHousehold.id)
    : a.targetBuilding ? link(`/building/${a.targetBuilding.code}`, a.targetBuilding.name || a.targetBuilding.code)
      : a.targetGrid ? link(`/grid/${a.targetGrid.code}`, a.targetGrid.name) : "";
  const mayCall = reader.roles.includes("GRID_WORKER");
  show(`<h1>${esc(p.name)} <span class="muted">${esc(p.id)}</span></h1>
    <div class="cards"><div class="card"><table id="person-card">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>
      ${mayCall ? `<form class="inline" id="call"><label>${t("purpose")}<input name="purpose" required minlength="4" maxlength="200" size="30" /></label>
        <button class="primary">${t("call")}</button></form><div id="call-result"></div>` : ""}</div>
    ${p.partyMemberships ? `<div class="card">${list("memberships", p.partyMemberships, (m) => `${orgLink(m.organization)} <span class="tag">${esc(m.kind)}</span> ${esc(m.since || "")} – ${esc(m.until || "")}`)}</div>` : ""}
    ${p.assignments ? `<div class="card">${list("assignments", p.assignments, (a) => `<span class="tag">${esc(a.role)}</span> ${target(a)} ${esc(a.since || "")} – ${esc(a.until || "")}`)}</div>` : ""}
    ${p.coveredHouseholds ? `<div class="card">${list("coveredHouseholdsOf", p.coveredHouseholds.nodes, (h) => link(`/household/${h.id}`, `${h.building.name} ${h.door}`))}</div>` : ""}
    </div>`);
  const call = document.getElementById("call");
  if (call) {
    call.onsubmit = async (event) => {
      event.preventDefault();
      const purpose = new FormData(call).get("purpose");
      const box = document.getElementById("call-result");
      try {
        const found = await gql("query($id: ID!, $purpose: String!) { person(id: $id) { contactPhone(purpose: $purpose) } }", { id, purpose });
        // Shown once: not kept anywhere; reading it again is another record in the log.
        box.innerHTML = `<p>${t("phoneOnce")} <span class="phone" id="clear-phone">${esc(found.person.contactPhone)}</span></p>`;
        call.reset();
      } catch (error) {
        box.innerHTML = `<div class="error">${esc(error.message)}</div>`;
      }
    };
  }
}

async function accessLog(query) {
  const after = query.get("after");
  const data = await gql(`query($within: String!, $after: String) { accessLog(within: $within, first: 50, after: $after) {
      totalCount nodes { seq at readerId reader { name } person { id name } field purpose gridCode } pageInfo { hasNextPage endCursor } } }`,
  { within: reader.home, after });
  const page = data.accessLog;
  show(`<h1>${t("log")}</h1><p class="muted">${t("total")} ${page.totalCount}</p>
    <table id="access-log"><tr><th>${t("seq")}</th><th>${t("at")}</th><th>${t("reader")}</th><th>${t("person")}</th><th>${t("field")}</th><th>${t("purpose")}</th><th>${t("grid")}</th></tr>
    ${page.nodes.map((r) => `<tr><td>${r.seq}</td><td>${esc(r.at.slice(0, 19).replace("T", " "))}</td><td>${esc(r.reader ? r.reader.name : r.readerId)} <span class="muted">${esc(r.readerId)}</span></td>
      <td>${r.person ? person(r.person) : ""}</td><td>${esc(r.field)}</td><td>${esc(r.purpose)}</td><td>${link(`/grid/${r.gridCode}`, r.gridCode)}</td></tr>`).join("")}</table>
    <div class="pager">${page.pageInfo.hasNextPage ? link(`/log?after=${page.pageInfo.endCursor}`, t("next")) : ""}</div>`);
}

// ---------------------------------------------------------------- search

async function searchView(text) {
  const data = await gql(`query($text: String!) { search(text: $text, first: 50) { totalCount nodes { kind key name score
      center { region { code } } station { region { code } grid { code } } } } }`, { text });
  const href = (hit) => ({
    PERSON: `/person/${hit.key}`, BUILDING: `/building/${hit.key}`, GRID: `/grid/${hit.key}`, REGION: `/place/${hit.key}`,
    PARTY_ORGANIZATION: `/party/${hit.key}`, CENTER: hit.center && `/place/${hit.center.region.code}`,
    STATION: hit.station && (hit.station.grid ? `/grid/${hit.station.grid.code}` : `/place/${hit.station.region.code}`),
  })[hit.kind];
  const found = data.search;
  show(`<h1>${t("results")}: ${esc(text)} <span class="muted">${found.totalCount}</span></h1>
    <table id="search-results"><tr><th>${t("name")}</th><th>${t("kind")}</th><th>${t("code")}</th></tr>
    ${found.nodes.map((hit) => `<tr><td>${href(hit) ? link(href(hit), hit.name) : esc(hit.name)}</td><td><span class="tag">${esc(hit.kind)}</span></td><td class="muted">${esc(hit.key)}</td></tr>`).join("")}</table>`);
}

// ---------------------------------------------------------------- routing

async function route() {
  header();
  const { parts, query } = params();
  const [view, key] = parts;
  const views = {
    place: () => place(key), region: () => region(key), grid: () => grid(key), building: () => building(key),
    household: () => household(key), coverage: () => coverage(key, query), party: () => party(key),
    cases: () => cases(query), case: () => caseView(key), person: () => personView(key),
    log: () => accessLog(query), search: () => searchView(key),
  };
  if (!views[view]) {
    location.hash = `#/place/${reader.home}`;
    return;
  }
  show(`<p class="muted">${t("loading")}</p>`);
  try {
    await views[view]();
    main().dataset.ready = location.hash; // tests wait for it
  } catch (error) {
    fail(error instanceof ApiError ? error : new ApiError(String(error), "CONSOLE", 0));
    main().dataset.ready = location.hash;
  }
}

async function start() {
  if (await signIn()) {
    if (!location.hash || location.hash === "#/") location.hash = `#/place/${reader.home}`;
    await route();
  }
}

window.addEventListener("hashchange", () => reader.home && route());
document.getElementById("search-form").onsubmit = (event) => {
  event.preventDefault();
  const text = document.getElementById("search").value.trim();
  if (text && reader.home) location.hash = `#/search/${encodeURIComponent(text)}`;
};
document.getElementById("lang").onclick = () => {
  toggleLang();
  reader.home ? route() : start();
};
document.getElementById("sign-out").onclick = () => {
  setToken(null);
  Object.assign(reader, { roles: [], scope: null, sub: null, home: null });
  location.hash = "";
  start();
};
start();
