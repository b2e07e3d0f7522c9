"""Cases: a year of reports, each with its history folded through the state machine."""

import random
import zlib
from bisect import bisect
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import accumulate

from graph.case_machine import LEVELS, CaseChain, CaseFacts, advance, report
from graph.core.model import CaseAction, CaseCategory, CaseSource, CaseState, Rating
from graph.synthetic.figures import CUTOFF, REPORT_DAYS, YEAR_START
from graph.synthetic.site import PlannedGrid, Site

# Events are folded here for their facts only: the files hold no seals, the import makes them.
UNKEPT_SEALS = CaseChain(b"synthetic")

CATEGORY_SHARES = {
    CaseCategory.DISPUTE: 45,
    CaseCategory.SERVICE_REQUEST: 30,
    CaseCategory.HAZARD: 15,
    CaseCategory.PROPOSAL: 10,
}
CATEGORIES = list(CATEGORY_SHARES)
CATEGORY_CUMULATIVE = list(accumulate(CATEGORY_SHARES.values()))
REPORT_HOURS = (7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 21)
Topics = dict[CaseCategory, tuple[tuple[str, str], ...]]
URBAN_TOPICS: Topics = {
    CaseCategory.DISPUTE: (
        ("邻里噪音纠纷", "楼上住户夜间装修、跑跳，楼下老人无法休息"),
        ("楼上漏水致楼下墙面受损", "卫生间防水层老化渗水，楼下天花板发霉"),
        ("养犬扰民", "邻居家犬只夜间吠叫、未拴绳"),
        ("小区停车位纠纷", "业主与物业就地面车位收费和分配发生争执"),
        ("物业服务费争议", "物业拟上调物业费，部分业主不同意"),
        ("楼道占用纠纷", "住户在楼道堆放杂物、安装鞋柜引发邻里矛盾"),
        ("房屋租赁纠纷", "租客提前退租，房东拒绝退还押金"),
    ),
    CaseCategory.SERVICE_REQUEST: (
        ("路灯损坏夜间出行不便", "小区主干道路灯不亮"),
        ("下水道堵塞返臭", "一楼下水道返臭、污水外溢"),
        ("独居老人需上门助餐", "独居老人行动不便，希望老年食堂送餐上门"),
        ("申请办理居住证明", "外出务工需要居住证明"),
        ("咨询医保缴费", "不清楚城乡居民医保缴费方式"),
    ),
    CaseCategory.HAZARD: (
        ("楼道电动车充电隐患", "楼道飞线充电，存在火灾隐患"),
        ("高空抛物隐患", "楼下多次发现从高层抛下的杂物"),
        ("燃气管道老化隐患", "沿街餐饮店燃气软管老化"),
        ("消防通道堵塞", "私家车长期占用消防通道"),
    ),
    CaseCategory.PROPOSAL: (
        ("老旧小区加装电梯建议", "住户提议加装电梯，一楼住户担心采光和噪音"),
        ("建议增设电动车充电桩", "楼道飞线充电现象多，建议在空地增设充电棚"),
        ("建议增设健身器材", "小区老人多，希望增设健身器材"),
    ),
}
RURAL_TOPICS: Topics = {
    CaseCategory.DISPUTE: (
        ("宅基地界址纠纷", "两户翻建房屋时对院墙位置有争议"),
        ("农田灌溉用水纠纷", "上下游两户为抽水灌溉先后顺序争吵"),
        ("赡养老人纠纷", "兄弟对母亲赡养费分担有分歧"),
        ("土地承包经营权纠纷", "流转土地租金未按约支付"),
        ("务工工资拖欠", "村民在外务工，年底工资被拖欠"),
    ),
    CaseCategory.SERVICE_REQUEST: (
        ("申请临时救助", "家中老人住院，医疗费用困难"),
        ("村道路灯维修", "村道路灯损坏，夜间出行不便"),
        ("咨询养老保险", "不清楚城乡居民养老保险缴费档次"),
    ),
    CaseCategory.HAZARD: (
        ("河沟垃圾堆积", "沟渠垃圾堆积，雨季易堵塞"),
        ("村道边坡塌方隐患", "连续降雨后村道边坡出现裂缝"),
        ("危房安全隐患", "独居老人住房墙体开裂"),
    ),
    CaseCategory.PROPOSAL: (
        ("建议开设老年助餐点", "留守老人多，建议开设助餐点"),
        ("建议硬化入户道路", "雨天道路泥泞，出行不便"),
    ),
}
EVENT_NOTES: dict[CaseAction, tuple[str, ...]] = {
    CaseAction.ACCEPT: ("网格员受理", "登记受理", "屋场长登记情况"),
    CaseAction.START: ("上门了解情况", "组织双方协商", "联系物业和住户", "现场查看"),
    CaseAction.ESCALATE: ("涉及人数多，上报", "双方分歧大，提请上级调解", "需相关部门协调"),
    CaseAction.NOTE: ("双报到党员参与调解", "法律顾问提供意见", "回访当事人"),
    CaseAction.RESOLVE: ("双方达成调解协议", "问题已处理", "签订人民调解协议书"),
    CaseAction.REJECT: ("回访发现问题未解决，核验不通过",),
    CaseAction.CLOSE: ("回访满意", "复核通过"),
    CaseAction.REOPEN: ("问题复发，重新处理",),
    CaseAction.REFER: ("引导当事人申请仲裁", "引导当事人诉讼", "转信访渠道"),
    CaseAction.VOID: ("重复上报", "不属于受理范围"),
}
# Where cases end (with VOID 4% before): settled at GRID, COMMUNITY, TOWNSHIP, COUNTY, or
# referred out, in percent of the cases accepted.
SETTLED_AT = (58.0, 85.0, 94.5, 96.5)
VOIDED = 0.04
# Hours a level takes to resolve a case, from and to.
RESOLVING = ((2, 96), (24, 360), (72, 720), (240, 1440))


def case_steps(rng: random.Random) -> Iterator[tuple[CaseAction, float]]:
    """A case's actions after its report, each with the hours since the previous one;
    `advance` checks them, and the caller stops at the cutoff (the case stays open)."""
    a = CaseAction
    if rng.random() < VOIDED:
        yield a.VOID, rng.uniform(1, 30)
        return
    yield a.ACCEPT, rng.uniform(0.2, 12)
    outcome = rng.uniform(0, 100)
    top = bisect(SETTLED_AT, outcome)
    referred = top == len(SETTLED_AT)
    if referred:
        top = rng.choice((1, 1, 2))
    for level in range(top):
        if rng.random() < 0.5:
            yield a.START, rng.uniform(0.5, 24)
        yield a.ESCALATE, rng.uniform(2, 24 * (level + 2))
    yield a.START, rng.uniform(0.5, 24)
    if rng.random() < 0.15:
        yield a.NOTE, rng.uniform(1, 48)
    if referred:
        yield a.REFER, rng.uniform(24, 240)
        return
    yield a.RESOLVE, rng.uniform(*RESOLVING[top])
    if rng.random() < 0.04:
        yield a.REJECT, rng.uniform(12, 72)
        yield a.RESOLVE, rng.uniform(*RESOLVING[top]) / 2
    yield a.CLOSE, rng.uniform(4, 72)
    if rng.random() < 0.015:
        yield a.REOPEN, rng.uniform(120, 720)
        yield a.RESOLVE, rng.uniform(*RESOLVING[top])
        yield a.CLOSE, rng.uniform(4, 72)


# The percentage of each category found by the proactive search (排查) rather than reported.
PROACTIVE = {
    CaseCategory.DISPUTE: 30,
    CaseCategory.HAZARD: 50,
    CaseCategory.SERVICE_REQUEST: 0,
    CaseCategory.PROPOSAL: 0,
}


def source(case_no: str, category: CaseCategory) -> CaseSource:
    """Drawn from the case number, not the generator's stream, which stays as it was."""
    found = zlib.crc32(case_no.encode()) % 100 < PROACTIVE[category]
    return CaseSource.PROACTIVE_SEARCH if found else CaseSource.REPORTED


def write_cases(site: Site) -> None:
    for _ in range(site.city.cases.take(site.place.people)):
        site.city.case_count += 1
        write_case(site, f"XY-2026-{site.city.case_count:06d}")


def write_case(site: Site, case_no: str) -> None:
    rng, sink = site.rng, site.sink
    home = rng.choice(site.homes)
    grid = home.building.grid
    adults = [m for m in home.members if m.age >= 18]
    reporter = rng.choice(adults).id if adults and rng.random() < 0.88 else None
    category = CATEGORIES[bisect(CATEGORY_CUMULATIVE, rng.randrange(CATEGORY_CUMULATIVE[-1]))]
    title, note = rng.choice((URBAN_TOPICS if site.urban else RURAL_TOPICS)[category])
    reported = YEAR_START + timedelta(
        days=rng.randrange(REPORT_DAYS),
        hours=rng.choice(REPORT_HOURS),
        minutes=rng.randrange(60),
    )
    sink.row(
        "cases.csv",
        case_no,
        title,
        category.value,
        grid.code,
        reported.isoformat(),
        reporter,
        note,
        source(case_no, category).value,
    )
    facts, _ = report(case_no, reported, actor_id=reporter, note=note, chain=UNKEPT_SEALS)
    for action, hours in case_steps(rng):
        at = facts.last_at + timedelta(minutes=max(1, int(hours * 60)))
        if at >= CUTOFF:
            break
        facts = write_event(site, facts, action, at=at, grid=grid)
    rated = facts.last_at + timedelta(days=2)
    if facts.state is CaseState.CLOSED and rated < CUTOFF and (rating := rating_of(case_no)):
        sink.row("evaluations.csv", case_no, home.id, rated.isoformat(), rating.value, None)


def rating_of(case_no: str) -> Rating | None:
    """Four in five closed cases are rated by the household: mostly satisfied. Drawn from
    the case number, as the source is."""
    draw = zlib.crc32(case_no.encode() + b"rating") % 100
    if draw >= 80:
        return None
    return (
        Rating.SATISFIED
        if draw < 60
        else (Rating.BASICALLY_SATISFIED if draw < 74 else Rating.NOT_SATISFIED)
    )


def write_event(
    site: Site, facts: CaseFacts, action: CaseAction, *, at: datetime, grid: PlannedGrid
) -> CaseFacts:
    """The event, folded through the state machine so that the history is valid. An
    escalation is made by the level that hands the case up, at the centre that takes it."""
    level = LEVELS.index(facts.level)
    actor = actor_at(site, level, grid=grid, at=at)
    center = center_of(site, level + 1 if action is CaseAction.ESCALATE else level)
    notes = EVENT_NOTES.get(action)
    note = site.rng.choice(notes) if notes and site.rng.random() < 0.7 else None
    facts, _ = advance(
        facts, action, at, actor_id=actor, center_id=center, note=note, chain=UNKEPT_SEALS
    )
    site.sink.row(
        "case_events.csv", facts.case_no, at.isoformat(), action.value, actor, center, note
    )
    return facts


def actor_at(site: Site, level: int, *, grid: PlannedGrid, at: datetime) -> str | None:
    if level == 0:
        day = at.date()
        for worker, since, until in grid.workers:
            if since <= day and (until is None or day < until):
                return worker
        level = 1  # a grid without a worker is looked after by the centre's staff
    staff = {
        1: [resident.id for resident in site.staff],
        2: site.context.township_staff,
        3: site.context.county_staff,
    }[level]
    return site.rng.choice(staff) if staff else None


def center_of(site: Site, level: int) -> str | None:
    codes = {1: site.place.code, 2: site.context.township.code, 3: site.context.county.code}
    return f"C-{codes[level]}" if level else None
