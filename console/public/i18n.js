// The console's words, in Chinese (the default) and English; the choice is kept.
const WORDS = {
  brand: ["govgraph 基层治理", "govgraph governance"],
  places: ["地区", "Places"], coverage: ["覆盖", "Coverage"], party: ["党组织", "Party"],
  cases: ["事件", "Cases"], log: ["访问日志", "Access log"], search: ["搜索姓名、楼栋、网格…", "Search names, buildings, grids…"],
  signIn: ["登录", "Sign in"], signOut: ["退出", "Sign out"],
  tokenHelp: ["粘贴管理员发给您的令牌（JWT）。", "Paste the token (JWT) your administrator gave you."],
  authOff: ["未启用身份验证：您是全市的管理员。", "Authentication is off: you are an administrator of the whole city."],
  role: ["角色", "Role"], scope: ["范围", "Scope"], wholeCity: ["全市", "whole city"],
  badToken: ["令牌无效或已过期", "The token is invalid or expired"],
  children: ["下级地区", "Parts"], grids: ["网格", "Grids"], buildings: ["楼栋", "Buildings"],
  households: ["住户", "Households"], centers: ["治理中心", "Governance centres"],
  stations: ["服务站点", "Service stations"], organizations: ["党组织", "Party organisations"],
  workers: ["网格员", "Grid workers"], branches: ["网格党支部", "Grid branches"],
  leaders: ["楼栋长", "Building leaders"], partyGroups: ["楼栋党小组", "Building party groups"],
  members: ["成员", "Members"], coveredBy: ["联系的中心户", "Covered by"], covered: ["已覆盖", "covered"],
  notCovered: ["未覆盖", "not covered"], none: ["无", "none"], name: ["名称", "Name"],
  code: ["编码", "Code"], address: ["地址", "Address"], kind: ["类型", "Kind"], level: ["层级", "Level"],
  door: ["门牌", "Door"], asOf: ["日期", "As of"], show: ["查看", "Show"],
  householdCoverage: ["住户覆盖率", "Household coverage"], buildingCoverage: ["楼栋覆盖率", "Building coverage"],
  coveredHouseholds: ["已覆盖住户", "Covered households"], coveredBuildings: ["已覆盖楼栋", "Covered buildings"],
  gridsWithWorker: ["有网格员的网格", "Grids with a worker"],
  uncoveredBuildings: ["未覆盖楼栋", "Uncovered buildings"], uncoveredHouseholds: ["未覆盖住户", "Uncovered households"],
  downloads: ["下载 CSV", "Download CSV"], next: ["下一页", "Next"], first: ["第一页", "First"],
  total: ["共", "Total"], coverageOf: ["覆盖情况", "Coverage"],
  state: ["状态", "State"], category: ["类别", "Category"], overdue: ["超期", "Overdue"],
  from: ["起", "From"], to: ["止", "To"], any: ["全部", "any"], yes: ["是", "yes"], no: ["否", "no"],
  filter: ["筛选", "Filter"], caseNo: ["编号", "Case"], title: ["标题", "Title"], reportedAt: ["上报时间", "Reported"],
  grid: ["网格", "Grid"], history: ["处理过程", "History"], intact: ["记录完整", "History intact"],
  broken: ["记录被改动！", "History was changed!"], actor: ["处理人", "Actor"], center: ["中心", "Centre"],
  note: ["备注", "Note"], action: ["操作", "Action"], nextStep: ["下一步", "Next step"], submit: ["提交", "Submit"],
  reportCase: ["上报事件", "Report a case"], reportedBy: ["上报人", "Reported by"], escalations: ["上报次数", "Escalations"],
  resolvedLevel: ["办结层级", "Resolved at"], within: ["范围内", "Within"],
  person: ["人员", "Person"], gender: ["性别", "Gender"], birthYear: ["出生年份", "Birth year"],
  idNumber: ["身份证号", "ID number"], phone: ["电话", "Phone"], household: ["住户", "Household"],
  memberships: ["党员关系", "Party memberships"], assignments: ["职责", "Duties"], since: ["起", "Since"],
  until: ["止", "Until"], call: ["拨打电话", "Call"], purpose: ["拨打事由（将记入访问日志）", "Purpose (recorded in the access log)"],
  phoneOnce: ["电话仅显示一次，已记入访问日志：", "Shown once, recorded in the access log:"],
  coveredHouseholdsOf: ["联系的住户", "Households covered"], seq: ["序号", "Seq"], at: ["时间", "At"],
  reader: ["读取人", "Reader"], field: ["字段", "Field"], results: ["搜索结果", "Search results"],
  score: ["相关度", "Score"], loading: ["加载中…", "Loading…"], centralHouseholds: ["中心户", "Central households"],
  tree: ["组织架构", "Organisation tree"], parent: ["上级", "Parent"], noRight: ["您的角色无权查看此页。", "Your role may not see this page."],
  cityCoverage: ["点击图表或表格中的下级地区可逐级查看。", "Click a part in the chart or table to go down a level."],
};

let current = localStorage.getItem("govgraph.lang") === "en" ? 1 : 0;

export function t(key) {
  const pair = WORDS[key];
  return pair ? pair[current] : key;
}

export function lang() {
  return current ? "en" : "zh";
}

export function toggleLang() {
  current = 1 - current;
  localStorage.setItem("govgraph.lang", lang());
  document.documentElement.lang = current ? "en" : "zh-CN";
}
