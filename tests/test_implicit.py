"""Implicit lineage: descriptive references, topic links, copied passages, shared indicator sets."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from conftest import plan_path
from vnlineage.corpus.extract import extract_file, extract_text
from vnlineage.corpus.implicit import descriptive_references, topic_links
from vnlineage.corpus.reader import find_documents, read_text
from vnlineage.corpus.reuse import ReuseDocument, document_passages, find_reuse, reuse_document
from vnlineage.corpus.structure import parse_structure
from vnlineage.corpus.text import normalize
from vnlineage.graph.cli import main
from vnlineage.graph import queries
from vnlineage.graph.cache import load_projection
from vnlineage.ontology.store import open_store

STRATEGIC = ("Triển khai các Chương trình của Thành ủy trong thực hiện các Nghị quyết chiến lược của Bộ Chính trị về chuyển đổi số, hội nhập quốc tế, "
             "thi hành pháp luật, phát triển kinh tế tư nhân, đột phá phát triển giáo dục, đào tạo và tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân.")


def test_descriptive_reference_names_the_six_strategic_resolutions():
    found = {item.symbol for item in descriptive_references(normalize(STRATEGIC))}
    assert found == {"57-NQ/TW", "59-NQ/TW", "66-NQ/TW", "68-NQ/TW", "71-NQ/TW", "72-NQ/TW"}


@pytest.mark.parametrize(
    "text",
    ["Nghị quyết của HĐND phường về kế hoạch đầu tư công.", "các Nghị quyết của Bộ Chính trị về công tác cán bộ", "Nghị quyết số 57-NQ/TW của Bộ Chính trị về chuyển đổi số"],
)
def test_descriptions_that_name_no_catalogue_resolution_give_nothing(text):
    assert descriptive_references(normalize(text)) == []


def test_descriptive_relations_are_marked_and_not_references():
    record = extract_file(plan_path("tan-hung"))
    described = {relation.object: relation for relation in record.relations if relation.method == "description"}
    assert set(described) == {"57-NQ/TW", "59-NQ/TW", "66-NQ/TW", "68-NQ/TW", "71-NQ/TW", "72-NQ/TW"}
    assert all(relation.confidence < 1 and relation.subject == "self" for relation in described.values())
    symbols = {reference.symbol for reference in record.references}
    assert "59-NQ/TW" not in symbols and "72-NQ/TW" not in symbols


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("Triển khai các tiêu chí xây dựng chính quyền số; ứng dụng trí tuệ nhân tạo trong điều hành.", "57-NQ/TW"),
        ("Hỗ trợ doanh nghiệp và hộ kinh doanh tiếp cận tín dụng; khuyến khích khởi nghiệp.", "68-NQ/TW"),
        ("Nâng cao chất lượng khám chữa bệnh, mở rộng bảo hiểm y tế toàn dân.", "72-NQ/TW"),
        ("Làm sạch dữ liệu dân cư, cấp định danh điện tử cho người dân.", "06/QĐ-TTg"),
    ],
)
def test_topic_links(text, symbol):
    links = topic_links(text, set(), None)
    assert [link.symbol for link in links] == [symbol]
    assert 0 < links[0].confidence < 1 and links[0].terms


@pytest.mark.parametrize(
    "text",
    ["Ứng dụng khoa học công nghệ vào sản xuất nông nghiệp.", "Tăng cường công tác y tế học đường.", "Tổ chức các hoạt động văn hóa, thể thao."],
)
def test_a_single_generic_term_is_not_enough(text):
    assert topic_links(text, set(), None) == []


def test_a_policy_newer_than_the_plan_is_not_linked():
    from vnlineage.corpus.structure import PartialDate

    assert topic_links("Triển khai chính quyền số và kinh tế số.", set(), PartialDate(2023, 5, 1)) == []


def test_topic_links_appear_only_as_inferred_in_the_extract():
    record = json.loads(CliRunner().invoke(main, ["extract", str(plan_path("phan-dinh-phung")), "--format", "json"]).output)
    digital = [task for task in record["tasks"] if task["section"] == "II.3.2"]
    assert any(item["symbol"] == "57-NQ/TW" and item["method"] == "topic" for task in digital for item in task["inferred"])
    assert all("57-NQ/TW" not in task["implements"] for task in record["tasks"])
    assert "57-NQ/TW" not in {reference["symbol"] for reference in record["references"]}


@pytest.fixture(scope="module")
def graph(tmp_path_factory, plans_dir):
    store = tmp_path_factory.mktemp("implicit") / "store"
    assert CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(store)]).exit_code == 0
    with open_store(str(store), read_only=True) as opened:
        return load_projection(opened)


def test_trace_flags_inferred_links_and_can_hide_them(graph):
    everything = queries.trace(graph, "57-NQ/TW")
    inferred = [item for item in everything["items"] if item["implicit"]]
    assert any(item.get("commune") == "Phan Đình Phùng" for item in inferred)
    explicit = queries.trace(graph, "57-NQ/TW", explicit_only=True)
    assert not any(item["implicit"] for item in explicit["items"])
    assert "Phan Đình Phùng" not in {item.get("commune") for item in explicit["items"]}


def test_shared_indicator_sets_of_a_province(graph):
    shared = queries.shared_indicators(graph)
    thai_nguyen = {(row["indicator"], row["target"]) for row in shared if row["province"] == "Thái Nguyên"}
    assert ("Tỷ lệ dân số phủ sóng 5G", 80.0) in thai_nguyen
    assert any("băng rộng" in name and target == 95.0 for name, target in thai_nguyen)
    assert all(row["communes"] == ["Phan Đình Phùng", "Tích Lương"] for row in shared if row["province"] == "Thái Nguyên")


# --- copied passages -----------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_reuse(plans_dir):
    documents = []
    for path in find_documents([plans_dir]):
        text = read_text(path)
        documents.append(reuse_document(extract_text(text), text))
    return find_reuse(documents)


def test_the_two_thai_nguyen_wards_share_whole_paragraphs(seed_reuse):
    (link,) = [link for link in seed_reuse if {link.first.commune, link.second.commune} == {"Tích Lương", "Phan Đình Phùng"}]
    assert link.orientation == "shared_template"
    shared = " ".join(span["first"][2] + " " + span["second"][2] for span in link.spans)
    assert "Phát triển công nghiệp, tiểu thủ công nghiệp theo hướng công nghệ cao" in shared
    assert "đáp ứng yêu cầu quản lý đô thị thông minh" in shared
    for span in link.spans:
        for side, document in (("first", link.first), ("second", link.second)):
            start, end, text = span[side]
            assert document.text.original[start:end] == text


def test_nothing_but_boilerplate_between_provinces(seed_reuse):
    assert all(link.first.province == link.second.province for link in seed_reuse)


def test_reuse_command_saves_links_as_evidence(plans_dir, tmp_path):
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["ingest", str(plans_dir), "--store", str(store)]).exit_code == 0
    result = CliRunner().invoke(main, ["reuse", str(plans_dir), "--save", "--store", str(store), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = CliRunner().invoke(main, ["sparql", "PREFIX lin: <https://w3id.org/vn-lineage/ontology#> SELECT ?a ?b WHERE { ?a lin:reusesTextOf ?b }",
                                     "--store", str(store), "--format", "json"]).output
    assert len(json.loads(rows)["rows"]) >= 2
    assert CliRunner().invoke(main, ["validate", "--store", str(store)]).exit_code == 0


# A corpus the test makes: paragraphs copied with small edits into unrelated text, and decoys.
SYLLABLES = [f"{onset}{vowel}{coda}" for onset in ("b", "c", "d", "g", "h", "k", "l", "m", "n", "ph", "qu", "s", "t", "th", "tr", "v", "x")
             for vowel in ("a", "e", "i", "o", "u", "ơ", "ư", "ô") for coda in ("", "n", "m", "ng", "t")]


def _paragraph(generator: random.Random, words: int) -> str:
    return " ".join(generator.choice(SYLLABLES) for _ in range(words)) + "."


def _edit(generator: random.Random, paragraph: str, changes: int) -> str:
    words = paragraph.rstrip(".").split()
    for _ in range(changes):
        position = generator.randrange(len(words))
        if generator.random() < 0.5:
            words[position] = generator.choice(SYLLABLES)
        else:
            del words[position]
    return " ".join(words) + "."


def _synthetic_corpus(seed: int = 11):
    generator = random.Random(seed)
    boilerplate = _paragraph(generator, 30)
    originals = [[_paragraph(generator, generator.randint(25, 60)) for _ in range(8)] for _ in range(24)]
    bodies = [list(paragraphs) for paragraphs in originals]
    holders: dict[tuple[int, int], set[int]] = {}
    for _ in range(40):
        source, target = generator.sample(range(24), 2)
        paragraph_index = generator.randrange(8)
        copied = _edit(generator, originals[source][paragraph_index], generator.randint(0, 3))
        bodies[target].insert(generator.randrange(len(bodies[target]) + 1), copied)
        holders.setdefault((source, paragraph_index), {source}).add(target)
    # Two plans that copied the same paragraph share it with each other too.
    truth = {(first, second) for documents in holders.values() for first in documents for second in documents if first < second}
    for index in range(24):  # decoys: a short shared phrase, and the boilerplate every plan carries
        bodies[index].append("Theo đó " + " ".join(SYLLABLES[:6]) + " " + _paragraph(generator, 20))
        bodies[index].append(boilerplate)
    documents = []
    for index, paragraphs in enumerate(bodies):
        text = normalize("KẾ HOẠCH\n\nTiêu đề\n\nI. NHIỆM VỤ\n\n" + "\n\n".join(paragraphs) + "\n")
        documents.append(ReuseDocument(f"doc{index}", f"doc{index}", f"doc{index}.txt", text, document_passages(text, parse_structure(text)),
                                       level="commune", province="P", commune=f"C{index}"))
    return documents, truth


def test_reuse_precision_and_recall_on_a_generated_corpus():
    documents, truth = _synthetic_corpus()
    found = {(min(int(link.first.key[3:]), int(link.second.key[3:])), max(int(link.first.key[3:]), int(link.second.key[3:]))) for link in find_reuse(documents)}
    precision = len(found & truth) / max(1, len(found))
    recall = len(found & truth) / len(truth)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
