"""A synthetic national corpus shaped like the real one, with its ground truth.

    python benchmarks/synth.py OUT_DIR [--plans 3321] [--seed 2026]

34 provinces and up to 3,321 communes, with their official names, kinds and codes
from the gazetteer (corpus/units.py).  Each province issues, for each of the
catalogue's root resolutions it takes up, a KH-UBND (State track) and a CTr/TU
(Party track) implementing it, and a yearly socio-economic KH-UBND.  Each commune
writes a yearly plan with the structure of the seeds (header, preamble, sections,
task paragraphs, an indicator table, an appendix task table with offices) that
cites its province's documents and central documents in the written variants real
plans use (no "số", stray spaces, line breaks, all caps, "Đề án 06/CP",
descriptions), copies some of its province's paragraphs with small edits, and
leaves some policies out.  ``truth.jsonl`` holds, per plan, the references, the
lineage pairs and the tasks' policies a correct extractor finds.

Plans come in the shapes researchers download (see corpus/layout.py): a Word
export (one paragraph a line, the two-column header and the tables as TAB rows),
a legal-document-site copy (lines hard-wrapped at 78 characters, paragraphs
apart, ``**bold**`` headings, the header and the tables flattened one cell per
line between lone ``|`` lines) and a portal page (a page title and a date line
above the document).  The corpus still measures speed and scale only: the
extractor's correctness is measured on real documents.

Deterministic: the same seed gives the same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import textwrap
from pathlib import Path

from vnlineage.corpus.registry import registry
from vnlineage.corpus.units import gazetteer

__all__ = ["generate"]

POLICIES = [
    ("57-NQ/TW", "22/12/2024", "về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia", "chuyển đổi số, phát triển chính quyền số và kinh tế số"),
    ("66-NQ/TW", "30/4/2025", "về đổi mới công tác xây dựng và thi hành pháp luật", "xây dựng và thi hành pháp luật, phổ biến giáo dục pháp luật"),
    ("68-NQ/TW", "04/5/2025", "về phát triển kinh tế tư nhân", "hỗ trợ doanh nghiệp, hộ kinh doanh và khởi nghiệp"),
    ("71-NQ/TW", "22/8/2025", "về đột phá phát triển giáo dục và đào tạo", "nâng cao chất lượng giáo dục, xây dựng trường học đạt chuẩn"),
    ("72-NQ/TW", "09/9/2025", "về một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân", "nâng cao chất lượng khám chữa bệnh và bảo hiểm y tế toàn dân"),
]
OFFICES = ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế, Hạ tầng và Đô thị", "Văn phòng HĐND và UBND", "Công an", "Ban Chỉ huy quân sự", "Trung tâm Phục vụ hành chính công"]
SIGNER_SYLLABLES = ["An", "Bình", "Hòa", "Tân", "Phú", "Thịnh", "Hưng", "Long", "Minh", "Quang", "Thành", "Đông", "Tây", "Nam", "Bắc", "Sơn", "Hải",
             "Lộc", "Phước", "Thuận", "Vĩnh", "Xuân", "Yên", "Trung", "Đức", "Hồng", "Kim", "Lam", "Mỹ", "Ngọc"]
FILLER = ["Tăng cường công tác quản lý nhà nước trên các lĩnh vực", "Nâng cao chất lượng hoạt động của các tổ chức", "Đẩy mạnh cải cách hành chính",
          "Chú trọng công tác tuyên truyền, vận động Nhân dân", "Bảo đảm an ninh chính trị, trật tự an toàn xã hội", "Phát triển sản xuất kinh doanh",
          "Thực hiện tốt các chính sách an sinh xã hội", "Quản lý chặt chẽ đất đai, trật tự xây dựng", "Huy động các nguồn lực cho phát triển"]


def _written(symbol: str, generator: random.Random) -> str:
    """One of the ways plans write a symbol."""
    number, rest = symbol.split("-", 1)
    variant = generator.random()
    if variant < 0.12:
        return f"{number}- {rest}"
    if variant < 0.2:
        return f"{number}-\n{rest}"
    return symbol


def _filler_paragraphs(generator: random.Random, kind: str, count: int) -> list[str]:
    """Task paragraphs with no reference, as most of a plan is (about 600 characters each)."""
    lines = []
    for _ in range(count):
        sentences = [f"{generator.choice(FILLER)} trên địa bàn {kind}, bảo đảm tiến độ và chất lượng theo kế hoạch năm 2026" for _ in range(generator.randint(4, 7))]
        lines += ["- " + "; ".join(sentences) + ".", ""]
    return lines


def _communes(generator: random.Random, count: int) -> list:
    """`count` communes of the gazetteer (since 1 July 2025), spread over the provinces as the country is."""
    communes = sorted({commune.code: commune for communes in gazetteer().communes.values() for commune in communes if commune.era == "2025"}.values(), key=lambda commune: commune.code)
    return sorted(generator.sample(communes, min(count, len(communes))), key=lambda commune: commune.code)


def _province_documents(province: str, generator: random.Random) -> dict:
    documents = {"yearly": (f"{generator.randint(1, 40)}/KH-UBND", f"{generator.randint(2, 15)}/01/2026")}
    for symbol, date, subject, _ in POLICIES:
        if generator.random() < 0.9:
            documents[symbol] = {
                "state": (f"{generator.randint(41, 400)}/KH-UBND", f"{generator.randint(1, 28)}/{generator.randint(9, 12)}/2025"),
                "party": (f"{generator.randint(1, 30)}-CTr/TU", f"{generator.randint(1, 28)}/{generator.randint(6, 12)}/2025"),
            }
    return documents


def _commune_plan(province: str, commune: str, kind: str, provincial: dict, generator: random.Random, number: int) -> tuple[list[str], dict]:
    unit = "thành phố" if registry().province(province) and registry().province(province).city else "tỉnh"
    yearly, yearly_date = provincial["yearly"]
    council = f"{generator.randint(10, 40)}/NQ-HĐND"
    references = {yearly, council}
    pairs: set[tuple[str, str]] = set()
    tasks: dict[str, list[str]] = {}
    month = generator.randint(1, 3)
    day = "" if generator.random() < 0.2 else f"{generator.randint(1, 28):02d}"
    header = [("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), (f"{kind.upper()} {commune.upper()}", "Độc lập - Tự do - Hạnh phúc"),
              (f"Số: {number}/KH-UBND" if generator.random() < 0.85 else "Số: /KH-UBND", f"{commune}, ngày {day} tháng {month:02d} năm 2026")]
    lines = ["\t".join(row) for row in header] + ["",
             "KẾ HOẠCH", f"Phát triển kinh tế - xã hội {kind} {commune} năm 2026", "",
             f"Thực hiện Kế hoạch số {yearly} ngày {yearly_date} của Ủy ban nhân dân {unit} {province} về phát triển kinh tế - xã hội năm 2026; "
             f"Nghị quyết số {council} ngày {generator.randint(10, 28)}/12/2025 của HĐND {kind} về nhiệm vụ năm 2026.", "",
             f"Ủy ban nhân dân {kind} {commune} xây dựng Kế hoạch như sau:", "", "I. MỤC ĐÍCH, YÊU CẦU", "",
             "1. Cụ thể hóa các chỉ tiêu, nhiệm vụ phát triển kinh tế - xã hội năm 2026.", "", "II. CHỈ TIÊU CHỦ YẾU", "",
             "STT\tChỉ tiêu\tNăm 2026\tĐơn vị chủ trì tham mưu"]
    for index in range(1, 31):
        lines.append(f"{index}\tTỷ lệ chỉ tiêu số {index} (%)\t{generator.randint(50, 100)}\t{generator.choice(OFFICES)}")
    lines += ["", "III. NHIỆM VỤ VÀ GIẢI PHÁP", ""]
    section = 0
    for symbol, date, subject, topic in POLICIES:
        if symbol not in provincial or generator.random() < 0.15:
            continue  # a policy this commune leaves out
        section += 1
        state, state_date = provincial[symbol]["state"]
        party, party_date = provincial[symbol]["party"]
        lines += [f"{section}. Về {topic}", ""]
        style = generator.random()
        if style < 0.5:
            sentence = (f"- Triển khai thực hiện Chương trình hành động số {_written(party, generator)} ngày {party_date} của Ban Thường vụ {'Thành' if unit == 'thành phố' else 'Tỉnh'} ủy "
                        f"và Kế hoạch số {state} ngày {state_date} của UBND {unit} thực hiện Nghị quyết số {_written(symbol, generator)} ngày {date} của Bộ Chính trị {subject}.")
            references |= {party, state, symbol}
            pairs |= {(party, symbol), (state, symbol)}
            tasks[f"III.{section}"] = [party, state, symbol]
        elif style < 0.8:
            written = f"NGHỊ QUYẾT {_written(symbol, generator).upper()}" if generator.random() < 0.2 else f"Nghị quyết {_written(symbol, generator)}"
            sentence = f"- Tổ chức thực hiện hiệu quả {written} của Bộ Chính trị {subject}, gắn với nhiệm vụ của {kind}."
            references.add(symbol)
            tasks[f"III.{section}"] = [symbol]
        else:
            sentence = f"- Triển khai Kế hoạch số {state} ngày {state_date} của UBND {unit} về {topic} trên địa bàn {kind}."
            references.add(state)
            tasks[f"III.{section}"] = [state]
        lines += [sentence, "", f"- {generator.choice(FILLER)}; {topic}.", ""]
        lines += _filler_paragraphs(generator, kind, generator.randint(3, 7))
    if generator.random() < 0.3:
        section += 1
        lines += [f"{section}. Công tác công an", "", "- Thực hiện hiệu quả Đề án 06/CP, bảo đảm dữ liệu dân cư đúng, đủ, sạch, sống.", ""]
        references.add("06/QĐ-TTg")
        tasks[f"III.{section}"] = ["06/QĐ-TTg"]
    lines += ["IV. TỔ CHỨC THỰC HIỆN", "", "1. Các phòng, ban căn cứ chức năng, nhiệm vụ tổ chức thực hiện Kế hoạch này.", "",
              "Nơi nhận:", f"- UBND {unit};", "- Lưu: VT.", "", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", f"{generator.choice(SIGNER_SYLLABLES)} Văn {generator.choice(SIGNER_SYLLABLES)}", "",
              "PHỤ LỤC", "NHIỆM VỤ TRỌNG TÂM", "", "STT\tNhiệm vụ\tThời gian\tCơ quan chủ trì\tCơ quan phối hợp"]
    for index in range(1, 41):
        lines.append(f"{index}\t{generator.choice(FILLER)}\t2026\t{generator.choice(OFFICES)} {kind if generator.random() < 0.5 else ''}".rstrip() + f"\t{generator.choice(OFFICES)}")
    truth = {"references": sorted(references), "pairs": sorted(map(list, pairs)), "tasks": tasks, "province": province, "commune": commune}
    return lines, truth


_WRAP = 78
_HEADING = re.compile(r"^(?:[IVX]+\.|\d+\.|PHỤ LỤC|KẾ HOẠCH|NHIỆM VỤ TRỌNG TÂM)")


def _word_export(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _web_copy(lines: list[str]) -> str:
    """A legal-document-site copy: hard wraps, bold headings, every table one cell per line between lone pipes."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush_table() -> None:
        if table:
            out.append("|")
            for row in table:
                for cell in row:
                    out.extend(textwrap.wrap(cell, _WRAP) or [""])
                    out.append("|")
                out.append("|")
            out.append("")
            table.clear()

    for line in lines:
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        flush_table()
        if not line:
            out.append("")
        elif _HEADING.match(line):
            out.extend(["**" + piece + "**" for piece in textwrap.wrap(line, _WRAP)] + [""])
        else:
            out.extend(textwrap.wrap(line, _WRAP, break_long_words=False, break_on_hyphens=False) + [""])
    flush_table()
    return "\n".join(out) + "\n"


def _portal_page(lines: list[str], province: str, commune: str, generator: random.Random) -> str:
    title = next((line for line in lines if line.startswith("Phát triển kinh tế")), "Kế hoạch")
    wrapper = [f"Cổng thông tin điện tử {commune} - {province}", "", title, f"Ngày đăng: {generator.randint(1, 28):02d}/03/2026", ""]
    return _word_export(wrapper + lines)


def _shaped(lines: list[str], province: str, commune: str, generator: random.Random) -> str:
    shape = generator.random()
    if shape < 0.4:
        return _web_copy(lines)
    if shape < 0.55:
        return _portal_page(lines, province, commune, generator)
    return _word_export(lines)


def generate(out_dir: str | Path, plans: int = 3321, seed: int = 2026) -> Path:
    """Write `plans` commune plans and truth.jsonl into out_dir; return the plans folder."""
    generator = random.Random(seed)
    out = Path(out_dir)
    folder = out / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    communes = _communes(generator, plans)
    with open(out / "truth.jsonl", "w", encoding="utf-8") as truth_file:
        provinces = sorted({commune.province.name for commune in communes})
        provincial = {province: _province_documents(province, generator) for province in provinces}
        for index, unit in enumerate(communes):
            province = unit.province.name
            lines, truth = _commune_plan(province, unit.name, unit.kind, provincial[province], generator, index + 1)
            text = _shaped(lines, province, unit.name, generator)
            truth["commune_code"] = unit.code
            name = f"{index:04d}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            truth["file"] = name
            truth_file.write(json.dumps(truth, ensure_ascii=False) + "\n")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--plans", type=int, default=3321)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    folder = generate(arguments.out, arguments.plans, arguments.seed)
    print(f"{arguments.plans} plans in {folder}; truth in {Path(arguments.out) / 'truth.jsonl'}")


if __name__ == "__main__":
    main()
