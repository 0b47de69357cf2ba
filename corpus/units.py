"""Official administrative units, from the gazetteer of the `vietnamadminunits` package.

Both eras are held: the 34 provinces and 3,321 communes, wards and special zones in
force since 1 July 2025, and the 63 provinces, their districts and about 10,000
communes before the reform, with official codes and the old-to-new conversion.
A name the gazetteer does not hold is never a unit: "XÃ HỘI" in the national
motto is not a commune, and "Sở Tài chính" is not a special zone.

The package's data files are read directly (its SQLite database and conversion
table): importing the package itself loads geometry libraries a reader does not
need and takes most of a second.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import ascii_key, fold_key

__all__ = ["Province", "Commune", "NamedUnit", "Gazetteer", "gazetteer", "units_in", "REFORM_DATE", "GazetteerMissing"]

#: The day the two-tier local government (province, commune) came into force.
REFORM_DATE = (2025, 7, 1)

_COMMUNE_KINDS = {"phường": "phường", "xã": "xã", "đặc khu": "đặc khu", "thị trấn": "thị trấn"}


class GazetteerMissing(RuntimeError):
    """The gazetteer package is not installed."""


@dataclass(frozen=True)
class Province:
    name: str  # "Hà Nội"
    full_name: str  # "Thành phố Hà Nội"
    code: str
    era: str  # "2025" or "legacy"

    @property
    def kind(self) -> str:
        return "thành phố" if self.full_name.casefold().startswith("thành phố") else "tỉnh"


@dataclass(frozen=True)
class Commune:
    name: str  # "Tích Lương"
    kind: str  # "phường", "xã", "đặc khu", "thị trấn"
    code: str
    province: Province
    era: str
    district: str | None = None  # legacy units only
    key: str = ""  # the gazetteer's own key, for the old-to-new conversion

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


def _data_dir() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerMissing("the gazetteer package vietnamadminunits is not installed (pip install vietnamadminunits)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _name_key(value: str) -> str:
    return " ".join(fold_key(value).replace("-", " ").replace("’", "'").replace("ʼ", "'").split())


class Gazetteer:
    """Look-ups of provinces and communes by name, in either era."""

    def __init__(self, data_dir: Path):
        with sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True) as connection:
            connection.row_factory = sqlite3.Row
            current = connection.execute("SELECT province, provinceShort, provinceCode, ward, wardShort, wardType, wardCode, wardKey, provinceKey FROM admin_units").fetchall()
            legacy = connection.execute(
                "SELECT province, provinceShort, provinceCode, district, ward, wardShort, wardType, wardCode, wardKey, districtKey, provinceKey FROM admin_units_legacy"
            ).fetchall()
        self.provinces: dict[str, list[Province]] = {}
        self.communes: dict[tuple[str, str], list[Commune]] = {}
        self._spellings: dict[tuple[str, str], set[str]] = {}  # (kind, name without diacritics) → names so spelt
        self._by_key: dict[str, Commune] = {}
        self._province_by_key: dict[str, Province] = {}
        for rows, era in ((current, "2025"), (legacy, "legacy")):
            for row in rows:
                province = self._add_province(row["provinceShort"], row["province"], row["provinceCode"], era, row["provinceKey"])
                kind = fold_key(row["wardType"] or "")
                if kind not in _COMMUNE_KINDS or not row["wardShort"]:
                    continue
                district = row["district"] if era == "legacy" else None
                key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}" if era == "legacy" else f"{row['provinceKey']}_{row['wardKey']}"
                commune = Commune(row["wardShort"], kind, row["wardCode"], province, era, district, key)
                self.communes.setdefault((kind, _name_key(commune.name)), []).append(commune)
                self._spellings.setdefault((kind, ascii_key(_name_key(commune.name))), set()).add(_name_key(commune.name))
                self._by_key[key] = commune
        self._successors = self._read_conversion(data_dir / "converter_2025.json")
        self._districts = frozenset(_name_key(commune.district) for commune in self._by_key.values() if commune.district)

    def _add_province(self, short: str, full: str, code: str, era: str, key: str) -> Province:
        found = self._province_by_key.get(f"{era}:{key}")
        if found is None:
            found = Province(short, full, code, era)
            self._province_by_key[f"{era}:{key}"] = found
            for name in (short, re.sub(r"^(?:Thành phố|Tỉnh)\s+", "", full, flags=re.IGNORECASE)):
                entries = self.provinces.setdefault(_name_key(name), [])
                if found not in entries:
                    entries.append(found)
        return found

    def _read_conversion(self, path: Path) -> dict[str, str]:
        """Old commune key -> new commune key (the default successor where a commune was divided)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        successors: dict[str, str] = {}
        for province_key, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for ward_key, old_keys in wards.items():
                for old_key in old_keys:
                    successors[old_key] = f"{province_key}_{ward_key}"
        for province_key, divided in data["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old_key, options in divided.items():
                default = next((option for option in options if option.get("isDefaultNewWard")), options[0] if options else None)
                if default:
                    successors[old_key] = f"{province_key}_{default['newWardKey']}"
        return successors

    # --- look-ups ------------------------------------------------------------------

    def province(self, name: str, before_reform: bool | None = None) -> Province | None:
        """The province of that name; the era of the document's date decides between two of one name."""
        found = self.provinces.get(_name_key(name.replace("TP.", "").replace("TP ", "")))
        if not found:
            return None
        return _in_era(found, before_reform)[0]

    def find_communes(self, kind: str, name: str, province: Province | str | None = None, before_reform: bool | None = None) -> list[Commune]:
        """Communes of that kind and name, narrowed to the province when one is given."""
        found = self.communes.get((fold_key(kind), _name_key(name)), [])
        if province is not None:
            province_name = province.name if isinstance(province, Province) else province
            found = [commune for commune in found if commune.province.name == province_name]
        return _in_era(found, before_reform)

    def spelling_of(self, kind: str, name: str) -> str | None:
        """The one commune name of that kind that `name` is with its diacritics lost or misread
        ("Tích Lưong", "TICH LUONG" by OCR or an unaccented copy), if only one is so spelt."""
        spellings = self._spellings.get((fold_key(kind), ascii_key(_name_key(name))), set())
        return next(iter(spellings)) if len(spellings) == 1 else None

    def commune(self, kind: str, name: str, province: Province | str | None = None, before_reform: bool | None = None) -> Commune | None:
        """The one commune so named, or None when there is none or several (told apart only by the province)."""
        found = self.find_communes(kind, name, province, before_reform)
        eras = {commune.era for commune in found}
        if len(eras) > 1:
            found = [commune for commune in found if commune.era == "2025"]
        return found[0] if len(found) == 1 else None

    def codes(self, commune: str | None, province: str | None) -> tuple[str | None, str | None]:
        """The official codes (commune, province) of a commune named without its kind, since the
        reform; None where the gazetteer has no such unit or cannot tell which one is meant."""
        found_province = self.province(province, before_reform=False) if province else None
        if commune is None:
            return None, found_province.code if found_province else None
        candidates = [unit for kind in _COMMUNE_KINDS for unit in self.find_communes(kind, commune, found_province, before_reform=False)
                      if unit.era == "2025"] if found_province else []
        return (candidates[0].code if len(candidates) == 1 else None), (found_province.code if found_province else None)

    def successor(self, commune: Commune) -> Commune | None:
        """The commune since the reform that took a pre-reform commune over."""
        if commune.era == "2025":
            return commune
        key = self._successors.get(commune.key)
        return self._by_key.get(key) if key else None

    def districts(self) -> frozenset[str]:
        """The keys of every pre-reform district ("huyện an dương")."""
        return self._districts


def _in_era(found: list, before_reform: bool | None) -> list:
    if before_reform is None or len({item.era for item in found}) < 2:
        return found
    wanted = "legacy" if before_reform else "2025"
    return [item for item in found if item.era == wanted]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process."""
    return Gazetteer(_data_dir())


# --- units named in a phrase ------------------------------------------------------------

_UNIT_WORDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "tỉnh", "huyện", "quận", "xã", "tp.", "tp")
_UNIT_WORD = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(word) for word in _UNIT_WORDS) + r")(?![\w])")
# Names of the Central Highlands carry an apostrophe: Cư M'gar, B'Lao, Ea H'Leo.
_NAME_WORD = re.compile(r"[^\W_](?:[\w\-]|['’ʼ](?=\w))*|\d{1,2}")
_LONGEST_NAME = 5


@dataclass(frozen=True)
class NamedUnit:
    """A unit named in a phrase ("UBND PHƯỜNG TÍCH LƯƠNG"), as the gazetteer knows it."""

    level: str  # "province", "district", "commune"
    kind: str
    name: str  # as the gazetteer spells it
    start: int
    end: int
    province: Province | None = None
    communes: tuple[Commune, ...] = ()


def units_in(phrase: str, before_reform: bool | None = None) -> list[NamedUnit]:
    """The provinces and communes a phrase names, checked against the gazetteer.

    >>> [(unit.level, unit.name) for unit in units_in("ỦY BAN NHÂN DÂN PHƯỜNG TÍCH LƯƠNG")]
    [('commune', 'Tích Lương')]
    >>> units_in("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    []
    """
    reference = gazetteer()
    folded = fold_key(phrase)
    found: list[NamedUnit] = []
    for match in _UNIT_WORD.finditer(folded):
        kind = match.group()
        if kind == "xã" and folded[max(0, match.start() - 4) : match.start()] == "thị ":
            continue
        words = [(word.start(), word.end()) for word in _NAME_WORD.finditer(phrase, match.end(), min(len(phrase), match.end() + 80))]
        words = _adjacent(phrase, match.end(), words)[:_LONGEST_NAME]
        unit = _longest_unit(reference, phrase, kind, words, before_reform)
        if unit is not None:
            found.append(unit)
    return found


def _adjacent(phrase: str, position: int, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words right after the unit word, up to a punctuation mark other than a hyphen."""
    kept = []
    for start, end in words:
        gap = phrase[position:start]
        if gap.strip(" -") or len(gap) > 3:
            break
        kept.append((start, end))
        position = end
    return kept


def _longest_unit(reference: Gazetteer, phrase: str, kind: str, words: list[tuple[int, int]], before_reform: bool | None) -> NamedUnit | None:
    for count in range(len(words), 0, -1):
        start, end = words[0][0], words[count - 1][1]
        name = " ".join(phrase[start:end].replace("-", " ").split())
        if kind in ("tỉnh", "thành phố", "tp", "tp."):
            province = reference.province(name, before_reform)
            if province is not None:
                return NamedUnit("province", "thành phố" if kind != "tỉnh" else "tỉnh", province.name, start, end, province)
            continue
        if kind in ("huyện", "quận", "thị xã"):
            if _district_exists(reference, kind, name):
                return NamedUnit("district", kind, name.title() if name.isupper() else name, start, end)
            continue
        communes = reference.find_communes(kind, name, None, before_reform)
        if not communes and _proper_name(name):
            spelling = reference.spelling_of(kind, name)
            communes = reference.find_communes(kind, spelling, None, before_reform) if spelling else []
        if communes:
            return NamedUnit("commune", kind, communes[0].name, start, end, None, tuple(communes))
    return None


def _proper_name(name: str) -> bool:
    """A name of two words or more, each capitalised: "xã hội" is no commune with marks lost."""
    words = name.split()
    return len(words) >= 2 and all(word[:1].isupper() for word in words)


def _district_exists(reference: Gazetteer, kind: str, name: str) -> bool:
    key = _name_key(f"{kind} {name}")
    return key in reference.districts()
