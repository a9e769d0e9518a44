"""Synthetic allocation plans with the shape of real ones, deterministic from a seed.

Plans come from every province (most from the seed's three) and name their cities' bodies and platforms, so a
million projects involve about 1,300 bodies and 550 platforms. Money per organisation is heavily skewed (a few bodies
get most), platforms are shared across projects and years, bodies are written by their aliases and pre-rename names,
descriptions are long with numbered targets, and every plan closes with a 合计 row. Plans are rendered in the
layouts the loaders read.

>>> plans = list(generate(30, seed=7))
>>> sum(len(p.rows) for p in plans)
30
>>> plans[0].total == sum(r.amount for r in plans[0].rows)
True
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from fundgraph.loaders.entities.regions import region_index, short_name
from fundgraph.money import format_wan

# The seed's province and two others publish most plans; every other province (with all its cities) some, so that a
# large corpus has the thousands of bodies and hundreds of platforms a country has, not a few giant ones.
PROVINCES = {
    "广东省": ["广州市", "深圳市", "汕尾市", "潮州市", "海丰县", "湛江市", "韶关市"],
    "浙江省": ["杭州市", "宁波市", "温州市", "嘉兴市"],
    "四川省": ["成都市", "绵阳市", "宜宾市"],
}
PROVINCE_WEIGHTS = {"广东省": 30, "浙江省": 10, "四川省": 10}  # the remaining 50 shared by the other provinces
OTHER_PROVINCES_WEIGHT = 50
# (canonical, [ways it is written]); the first bodies get most of the money.
BODIES = [
    ("{p}地方金融管理局", ["省地方金融管理局", "{p}地方金融管理局", "省地方金融监管局"]),
    ("{p}财政厅", ["省财政厅", "{p}财政厅"]),
    ("{p}股权交易中心股份有限公司", ["{p}股权交易中心股份有限公司", "{s}股交"]),
    ("{p}融资再担保有限责任公司", ["{p}融资再担保有限责任公司", "{s}再担保"]),
    ("{p}金融文化研究会", ["{p}金融文化研究会"]),
    ("{c}金融局", ["{c}金融局"]),
    ("{c}财政局", ["{c}财政局"]),
    ("{c}融资担保股份有限公司", ["{c}融资担保股份有限公司"]),
]
PLATFORMS = [
    "{p}中小企业融资平台",
    "{p}地方金融风险监测防控平台",
    "{p}非法集资案件管理系统",
    "{s}金融网",
    "{c}数字普惠金融服务平台",
    "{p}地方金融组织非现场监管系统",
]
# Platforms no gazetteer lists, from a grammar: a place, sometimes a brand in quotes, a domain and a head, as
# provinces and cities name their own (“浙里办”政务服务平台, 杭州市城市大脑数字驾驶舱). Half the rows name one.
BRAND_ENDINGS = ["省事", "政易", "企通", "办通", "民通", "农宝"]
DOMAINS = [
    "智慧农业",
    "公共资源交易",
    "医疗保障",
    "不动产登记",
    "应急指挥",
    "社会信用",
    "生态环境监测",
    "住房公积金",
    "市场监管",
    "工程建设项目审批",
    "移动政务服务",
    "统一身份认证",
]
HEADS = ["平台", "管理系统", "数字驾驶舱", "服务平台", "小程序", "服务网"]
WORK = [
    ("运维服务", "保障{f}安全、稳定运行，提供运行维护服务"),
    ("安全运营服务", "为{f}提供网络安全运营服务及等级保护测评服务"),
    ("升级改造和运营服务", "在现有{f}基础上开展升级改造，并提供系统业务运营服务"),
    ("信创改造", "推进{f}信创适配改造"),
    ("建设", "搭建{f}，完善服务功能"),
]
MEASURES = [
    ("注册企业累计不少于{n}家", 10, 5000),
    ("系统运行可用率达到{n}%以上", 90, 99),
    ("开展培训不少于{n}场", 2, 20),
    ("平均故障处理时间在{n}小时以内", 4, 48),
    ("撮合融资授信金额累计不少于{n}亿元", 1, 50),
    ("服务企业户次不少于{n}户次", 100, 20000),
]


@dataclass(frozen=True)
class Row:
    seq: int
    name: str
    applicant: str
    implementer: str
    summary: str
    targets: str
    amount: Decimal
    approval: str
    platform: str = ""  # the platform the row's texts name, as generated


@dataclass(frozen=True)
class SynthPlan:
    title: str
    year: int
    province: str
    rows: list[Row]

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))


def generate(projects: int, seed: int = 0, per_plan: tuple[int, int] = (8, 40)) -> Iterator[SynthPlan]:
    """Plans until ``projects`` projects are made, streamed one plan at a time (never the whole corpus in memory)."""
    rng = random.Random(seed)
    places = _places()
    provinces = sorted(places)
    others = [p for p in provinces if p not in PROVINCE_WEIGHTS]
    weights = [PROVINCE_WEIGHTS.get(p, OTHER_PROVINCES_WEIGHT / len(others)) for p in provinces]
    made = 0
    number = 0
    while made < projects:
        number += 1
        province = rng.choices(provinces, weights)[0]
        year = rng.choice([2022, 2023, 2024, 2025])
        size = min(projects - made, rng.randint(*per_plan))
        short = short_name(province)
        title = f"{year}年{province}促进经济高质量发展专项资金（重点项目第{number}批）分配方案"
        rows = [_row(rng, seq, province, short, year, places[province]) for seq in range(1, size + 1)]
        made += size
        yield SynthPlan(title, year, province, rows)


@cache
def _places() -> dict[str, list[str]]:
    """Province -> its cities (districts for the municipalities), from the administrative divisions."""
    index = region_index()
    places: dict[str, list[str]] = {}
    for region in sorted(index.by_code.values(), key=lambda r: r.code):
        if region.level == "province":
            places.setdefault(region.name, [])
        elif region.parent is not None and index.by_code[region.parent].level == "province":
            places.setdefault(index.by_code[region.parent].name, []).append(region.name)
    listed = {
        p: PROVINCES.get(p, []) + [c for c in cities if c not in PROVINCES.get(p, [])] for p, cities in places.items()
    }
    return {p: cities for p, cities in listed.items() if cities}


def _row(rng: random.Random, seq: int, province: str, short: str, year: int, cities: list[str]) -> Row:
    city = rng.choice(cities)
    names = {"p": province, "s": short, "c": city}
    # Zipf-like weights: the first bodies take most projects and most money.
    body = min(int(rng.paretovariate(1.2)) - 1, len(BODIES) - 1)
    _, written = BODIES[body]
    applicant = rng.choice(written).format(**names)
    implementer = applicant if rng.random() < 0.8 else rng.choice(BODIES[rng.randrange(len(BODIES))][1]).format(**names)
    if rng.random() < 0.5:
        platform = rng.choice(PLATFORMS).format(**names)
    else:
        place = rng.choice([province, city])
        brand = f"“{short[0]}{rng.choice(BRAND_ENDINGS)}”" if rng.random() < 0.3 else ""
        platform = f"{place}{brand}{rng.choice(DOMAINS)}{rng.choice(HEADS)}"
    work, sentence = rng.choice(WORK)
    work_year = year - 1 if rng.random() < 0.15 else year
    name = f"{platform}{work}（{work_year}年）项目"
    summary = f"本项目{sentence.format(f=platform)}，服务{city}实体经济发展。"
    targets = "\n".join(
        f"{i}.{template.format(n=rng.randint(low, high))}。"
        for i, (template, low, high) in enumerate(rng.sample(MEASURES, rng.randint(1, 4)), start=1)
    )
    scale = Decimal(rng.choice([1, 10, 100])) * Decimal(int(rng.paretovariate(1.1) * 20))
    amount = (scale + Decimal(rng.randint(0, 9999)) / 10000).normalize()
    approval = rng.choice(["省级", "省级", "市级"])
    return Row(seq, name, applicant, implementer, summary, targets, amount, approval, platform)


HEAD = ["序号", "项目名称", "申报单位", "实施单位", "项目简介", "主要绩效目标", "拟分配金额", "审批权限"]


def _cells(row: Row) -> list[str]:
    return [
        str(row.seq),
        row.name,
        row.applicant,
        row.implementer,
        row.summary,
        row.targets,
        format_wan(row.amount),
        row.approval,
    ]


def render_word_text(plan: SynthPlan) -> str:
    """The layout of a Word table exported as text, as the seed plan is published."""
    lines = ["附件1", plan.title, "单位：万元"]
    lines += [f"\t{h}" for h in HEAD] + [""]
    for row in plan.rows:
        for cell in _cells(row):
            first, *rest = cell.split("\n")
            lines.append(f"\t{first}")
            lines.extend(rest)
        lines.append("")
    lines += ["\t合计", f"\t{format_wan(plan.total)}", "\t", "", "\t注：本表为合成数据。"]
    return "\n".join(lines) + "\n"


def render_csv(plan: SynthPlan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*HEAD[:6], "拟分配金额（万元）", HEAD[7]])
    for row in plan.rows:
        writer.writerow(_cells(row))
    writer.writerow(["合计", "", "", "", "", "", format_wan(plan.total), ""])
    return buffer.getvalue()


def render_xlsx(plan: SynthPlan) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([plan.title])
    sheet.append(["单位：万元"])
    sheet.append(HEAD)
    for row in plan.rows:
        cells: list[object] = list(_cells(row))
        cells[6] = float(row.amount)  # as spreadsheets store money: a binary float
        sheet.append(cells)
    sheet.append(["合计", None, None, None, None, None, float(plan.total), None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A chain of notices down the levels of government (issue #38): the Ministry's to provinces and bodies, each
# province's to its cities, each city's to projects, with 文号 and dates in their real forms. Some levels are planted
# short, some more, some late, some undated and some not loaded; `SynthChain.planted` says which finding each should
# give, so a test can ask for exactly those. Each notice renders as text, Word and (by LibreOffice) PDF.
CHAIN_PROVINCES = {"广东省": ("粤", "440000"), "湖南省": ("湘", "430000"), "江西省": ("赣", "360000")}
CHAIN_LIMIT_DAYS = 30
CHAIN_FORMATS = ("txt", "docx", "pdf")


@dataclass(frozen=True)
class ChainNotice:
    name: str  # a file name without its suffix
    wenhao: str
    issuer: str
    when: date | None  # None: undated (its signature is then not read, nor its issuer)
    cites: tuple[tuple[str, str], ...]  # (title, 文号) of the notices it passes money on from
    header: str  # what its rows are: 地区, 项目名称, 地区或单位
    rows: tuple[tuple[str, int], ...]  # (name, 万元)
    # What money it allocates, in its title and its table's: two notices of one body whose tables had one title
    # would be read as two versions of one plan.
    money: str = "农业相关转移支付资金"

    @property
    def title(self) -> str:
        return f"{self.issuer}关于下达2024年{self.money}的通知"

    def _prose(self) -> tuple[list[str], list[str]]:
        """The lines before its table: title, 文号, body, signature and date; and the table's title and unit."""
        basis = "和".join(f"《{t}》（{w}）" for t, w in self.cites)
        head = [self.title, self.wenhao, "各有关单位：", f"根据{basis}，现将资金下达。", self.issuer]
        if self.when is not None:
            head.append(f"{self.when.year}年{self.when.month}月{self.when.day}日")
        return head, ["附件", f"{self.issuer}2024年{self.money}分配表", "单位：万元"]

    def _table(self) -> list[list[str]]:
        rows = [[str(seq), name, str(amount)] for seq, (name, amount) in enumerate(self.rows, start=1)]
        return [["序号", self.header, "金额"], *rows, ["合计", "", str(sum(a for _, a in self.rows))]]

    @property
    def text(self) -> str:
        """As a web page gives it: the table's cells between pipes."""
        head, table_head = self._prose()
        lines = head + table_head + [" | ".join(row) + " |" for row in self._table()]
        return "\n".join(lines).replace(" |  |", " | |") + "\n"

    def docx(self) -> bytes:
        """As a Word document: its prose in paragraphs, its table a real one."""
        import docx

        document = docx.Document()
        head, table_head = self._prose()
        for line in head + table_head:
            document.add_paragraph(line)
        cells = self._table()
        table = document.add_table(rows=len(cells), cols=3)
        table.style = "Table Grid"
        for row, values in zip(table.rows, cells, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def render_chain(notices: list[ChainNotice], fmt: str) -> dict[str, bytes]:
    """Each notice as a file (name -> bytes) in ``fmt``: txt, docx, or pdf (the Word document converted by
    LibreOffice, all in one run)."""
    if fmt == "txt":
        return {f"{n.name}.txt": n.text.encode("utf-8") for n in notices}
    words = {f"{n.name}.docx": n.docx() for n in notices}
    if fmt == "docx":
        return words
    if fmt != "pdf":
        raise ValueError(f"a chain renders as {', '.join(CHAIN_FORMATS)}, not {fmt}")
    from fundgraph.loaders.readers.convert import convert_many

    pdfs = convert_many(words, "pdf", path="generated chain")
    return {name.removesuffix(".docx") + ".pdf": data for name, data in pdfs.items()}


@dataclass
class SynthChain:
    notices: list[ChainNotice]
    # (rule, the upper row's name, the upper notice's 文号 — several joined by 、 in their order): the findings the
    # chain must give, and no others.
    planted: set[tuple[str, str, str]]
    links: int  # the rows passed down (PASSED_DOWN_BY) its notices make


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


@dataclass(frozen=True)
class _City:
    delay: int | None  # days after its province's notice; None: undated
    change: int  # 万元 allocated beyond what it received (negative: short)
    loaded: bool
    provincial: bool  # also receives the province's own money, and passes both on in one notice
    unloaded: int = 0  # 万元 it also passes on from a provincial notice it cites that is not loaded


# province: (days after the Ministry's, short by, its cities)
_CHAIN_PLAN: dict[str, tuple[int, int, list[_City]]] = {
    "广东省": (
        25,
        0,
        [
            _City(10, 0, True, True),
            _City(None, 50, True, False),
            _City(0, 0, False, True),
            _City(5, -30, True, True),
        ],
    ),
    "湖南省": (45, 10, [_City(20, 0, True, False), _City(40, 0, True, False, unloaded=120)]),
    "江西省": (0, 0, []),
}
# Bodies the Ministry allocates to directly: (name, passes it on with a notice of its own: (days after, short by);
# None when its notice is not loaded; False when it is a unit that spends the money, which passes nothing on).
_CHAIN_BODIES: list[tuple[str, tuple[int, int] | bool | None]] = [
    ("湖南省农业农村厅", (20, 20)),
    ("江西省农业农村厅", None),
    ("中国农业大学", False),
]


def generate_chain(seed: int = 0) -> SynthChain:
    """Three levels. 财政部 to three provinces and three bodies: 广东 and 湖南 pass it on (湖南's notice 45 days
    late and short by 10 万元), 江西's notice is not loaded; 湖南省农业农村厅 passes its own on in a notice of its own
    (short by 20), 江西省农业农村厅's is not loaded, and 中国农业大学 spends it. 广东 also allocates its own money to
    three of its cities, which two pass on together with the Ministry's in one notice citing both (one in full, one
    short by 30); one city adds local money and has no date, one is not loaded. 湖南's cities pass theirs on, one of
    them late and with money from a provincial notice it cites that is not loaded (not reconcilable)."""
    rng = random.Random(seed)
    index = region_index()
    planted: set[tuple[str, str, str]] = set()
    notices: list[ChainNotice] = []
    links = 0
    top = ChainNotice(
        "chain-0-mof",
        "财农〔2024〕12号",
        "财政部",
        date(2024, 1, 10),
        (("中央财政农业相关转移支付资金管理办法", "财农〔2023〕7号"),),
        "地区或单位",
        tuple(
            [(name, rng.randrange(300, 900) * 10) for name in CHAIN_PROVINCES]
            + [(name, rng.randrange(20, 90) * 10) for name, _ in _CHAIN_BODIES]
        ),
    )
    notices.append(top)
    received = dict(top.rows)
    number = 20
    for body, passes in _CHAIN_BODIES:
        if passes is None:
            planted.add(("not_passed_down", body, top.wenhao))
        elif isinstance(passes, tuple):
            delay, short_by = passes
            number += 1
            if delay > CHAIN_LIMIT_DAYS:
                planted.add(("passed_down_late", body, top.wenhao))
            if short_by:
                planted.add(("not_passed_down_in_full", body, top.wenhao))
            kinds = ("农业产业强镇", "现代农业产业园", "农产品产地冷藏保鲜设施")
            parts = _split(rng, received[body] - short_by, len(kinds))
            rows = tuple((f"{body[:3]}{kind}项目", part) for kind, part in zip(kinds, parts, strict=True))
            when = top.when + timedelta(days=delay) if top.when else None
            wenhao = f"{CHAIN_PROVINCES[body[:3]][0]}农计〔2024〕{number}号"
            notices.append(
                ChainNotice(f"chain-1-{body}", wenhao, body, when, ((top.title, top.wenhao),), "项目名称", rows)
            )
            links += 1
    for province, (short, code) in CHAIN_PROVINCES.items():
        delay, short_by, cities_plan = _CHAIN_PLAN[province]
        if not cities_plan:
            planted.add(("not_passed_down", province, top.wenhao))
            continue
        number += 1
        wenhao = f"{short}财农〔2024〕{number}号"
        issuer = f"{province}财政厅"
        assert top.when is not None
        when = top.when + timedelta(days=delay)
        if delay > CHAIN_LIMIT_DAYS:
            planted.add(("passed_down_late", province, top.wenhao))
        if short_by:
            planted.add(("not_passed_down_in_full", province, top.wenhao))
        cities = [r.name for r in index.by_code.values() if r.parent == code][: len(cities_plan)]
        amounts = _split(rng, received[province] - short_by, len(cities))
        central = ChainNotice(
            f"chain-1-{code}",
            wenhao,
            issuer,
            when,
            ((top.title, top.wenhao),),
            "地区",
            tuple(zip(cities, amounts, strict=True)),
        )
        notices.append(central)
        links += 1
        # The province's own money to some of its cities, in a notice of its own a few days before.
        own_rows = tuple(
            (city, rng.randrange(10, 60) * 10)
            for city, plan in zip(cities, cities_plan, strict=True)
            if plan.provincial
        )
        own: ChainNotice | None = None
        if own_rows:
            number += 1
            own = ChainNotice(
                f"chain-1-{code}-own",
                f"{short}财农〔2024〕{number}号",
                issuer,
                when - timedelta(days=3),
                ((f"{province}省级涉农资金管理办法", f"{short}财农〔2023〕9号"),),
                "地区",
                own_rows,
                "省级农业发展资金",
            )
            notices.append(own)
        own_amounts = dict(own_rows)
        for city, amount, plan in zip(cities, amounts, cities_plan, strict=True):
            uppers = [central] + ([own] if own is not None and plan.provincial else [])
            if not plan.loaded:
                planted.update(("not_passed_down", city, upper.wenhao) for upper in uppers)
                continue
            number += 1
            city_wenhao = f"{city[0]}财农〔2024〕{number}号"
            city_when = None if plan.delay is None else when + timedelta(days=plan.delay)
            for upper in uppers:
                assert upper.when is not None
                if city_when is None:
                    planted.add(("passed_down_date_unknown", city, upper.wenhao))
                elif (city_when - upper.when).days > CHAIN_LIMIT_DAYS:
                    planted.add(("passed_down_late", city, upper.wenhao))
            # Several upper notices are reconciled together: the finding names them all.
            upper_wenhao = "、".join(sorted(u.wenhao for u in uppers))
            cites = [(u.title, u.wenhao) for u in uppers]
            if plan.unloaded:
                # More than it received from the notices loaded, and a cited one is not: not reconcilable.
                number += 1
                cites.append((f"{issuer}关于下达2024年省级农业发展资金的通知", f"{short}财农〔2024〕{number}号"))
                planted.add(("not_reconcilable", city, upper_wenhao))
            if plan.change > 0:
                planted.add(("passed_down_more", city, upper_wenhao))
            elif plan.change < 0:
                planted.add(("not_passed_down_in_full", city, upper_wenhao))
            total = amount + own_amounts.get(city, 0) * plan.provincial + plan.unloaded + plan.change
            kinds = ("高标准农田建设", "农田水利设施", "种业振兴")
            parts = _split(rng, total, len(kinds))
            projects = tuple((f"{city}{kind}项目", part) for kind, part in zip(kinds, parts, strict=True))
            notices.append(
                ChainNotice(
                    f"chain-2-{city}",
                    city_wenhao,
                    f"{city}财政局",
                    city_when,
                    tuple(cites),
                    "项目名称",
                    projects,
                )
            )
            links += len(uppers)
    return SynthChain(notices, planted, links)
