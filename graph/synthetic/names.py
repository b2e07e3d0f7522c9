"""Names: of people, places, roads, workplaces, and phone numbers, drawn as the city's."""

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖"
    "田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付"
    "方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Rough frequencies (per ten thousand) of the surnames above, most common first.
SURNAME_WEIGHTS = (
    (710, 700, 670, 540, 450, 310, 220, 200, 200, 190, 150, 150, 130, 130, 130, 120, 120)
    + (110, 110, 100, 100, 90, 80, 80, 80, 70, 70, 70, 70, 70, 60, 60, 60, 60, 60)
    + (50,) * 10 + (40,) * 8 + (30,) * 14 + (20,) * (len(SURNAMES) - 67)
)  # fmt: skip
SURNAME_CUMULATIVE = list(accumulate(SURNAME_WEIGHTS))
MALE_NAMES = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞斌波宇浩凯健俊帆"
    "旭宁龙林阳峰建国志文博轩睿泽晨航诚成家海东新兵亮德"
)
FEMALE_NAMES = "芳娜敏静丽艳娟霞秀玲桂英燕红梅琳雪婷慧颖倩洁欣怡萱涵雨诗梦佳琪悦思可馨月晴兰凤云瑶"
URBAN_STEMS = words(
    "凤鸣 锦绣 汉水 滨江 檀溪 春园 长虹 人民 鼓楼 中原 晨光 清河 紫薇 丽江 书香 盛世 "
    "幸福 和谐 阳光 金源 世纪 东方 御景 翰林 绿洲 香榭 江山 米公 卧龙 隆中 岘山 襄江 "
    "荆山 汉江 樊西 大庆 建设 团结 胜利 光明 友谊 前进 新华 解放 红光 朝阳 华侨 桃园 "
    "梨园 枫林 银杏 桂花 梧桐 翠湖 碧水 紫荆 玉兰 月湖 春晖 天元 永安"
)
COMPOUND_SUFFIXES = words("小区 花园 苑 家园 新村 公馆 名都 佳园 宿舍 雅居 府 城")
ROADS = words(
    "凤鸣路 檀溪路 长虹路 人民路 春园路 中原路 解放路 建设路 胜利街 前进路 汉江路 "
    "襄阳大道 卧龙大道 长征路 大庆路 丹江路 清河路 荆州街 北街 南街 环城东路 航空路 "
    "追日路 邓城大道"
)
PLACE_FIRST = "东西南北前后大小新老长高黄白青红金石马牛杨柳桃李上下中"
PLACE_SECOND = "河湖山岭坡岗湾桥园庄店集坪塘堰港冲寨洲埠铺畈沟垭台"
PLACE_NAMES = tuple(first + second for first in PLACE_FIRST for second in PLACE_SECOND)
TOWNSHIP_NAMES = URBAN_STEMS + PLACE_NAMES
WORKPLACES = words(
    "住房和城乡建设局 教育局 卫生健康局 财政局 公安分局 税务局 人民医院 中医医院 "
    "第一中学 第二中学 实验小学 交通运输局 水利局 农业农村局 自然资源和规划局 "
    "生态环境分局 民政局 人力资源和社会保障局 市场监督管理局 应急管理局 文化和旅游局 "
    "审计局 统计局 司法局 城市管理执法局 商务局 发展和改革局 经济和信息化局 供电公司 "
    "自来水公司 烟草专卖局 邮政分公司 农商银行"
)
PHONE_PREFIXES = words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 177 180 181 182 183 185 186 187 188 189 198 199"
)


def distinct_names(rng: random.Random, count: int, draw: Callable[[], str]) -> list[str]:
    """`count` names from `draw`, different while the draws allow."""
    names: list[str] = []
    seen: set[str] = set()
    for _ in range(count):
        name = draw()
        for _ in range(20):
            if name not in seen:
                break
            name = draw()
        seen.add(name)
        names.append(name)
    return names


def village_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES[:40])}家{rng.choice(PLACE_SECOND)}"
    return rng.choice(PLACE_NAMES)


Draw = Callable[[], float]  # a generator's random()


def one_of(draw: Draw, items: Sequence[str]) -> str:
    return items[int(draw() * len(items))]


def surname(draw: Draw) -> str:
    return SURNAMES[bisect(SURNAME_CUMULATIVE, draw() * SURNAME_CUMULATIVE[-1])]


def given_name(draw: Draw, male: bool) -> str:
    characters = MALE_NAMES if male else FEMALE_NAMES
    name = one_of(draw, characters)
    return name + one_of(draw, characters) if draw() < 0.65 else name


def mobile(draw: Draw) -> str:
    return f"{one_of(draw, PHONE_PREFIXES)}{int(draw() * 10**8):08d}"
