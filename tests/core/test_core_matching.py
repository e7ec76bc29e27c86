"""The shared matching engine: terms, traditional/simplified, English, reasons, evaluation."""

import csv
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from parkos.core.errors import ValidationFailed
from parkos.core.matching import MatchIndex, explain_match, normalise
from parkos.core.matching.encoder import EncoderUnavailable, encoder_format, load_encoder
from parkos.core.matching.evaluate import LabelledFileError, evaluate_ranking, read_labelled_csv
from parkos.core.matching.text import Analyzer, english_stem

ACHIEVEMENTS = [
    "基于深度学习的机器视觉锂电池极片表面缺陷检测系统，可识别划痕、漏箔、气泡",
    "高镍三元正极材料的包覆改性技术，提升锂离子电池循环寿命",
    "Machine vision inspection of weld seams using convolutional neural networks",
    "一种可降解聚乳酸包装薄膜及其制备方法",
    "污水处理厂污泥低温干化与资源化利用技术",
    "面向工业互联网的边缘计算网关与设备数据采集平台",
    "基于CRISPR的水稻抗病基因编辑育种方法",
    "新能源汽车电机控制器碳化硅功率模块封装工艺",
]


@pytest.fixture(scope="module")
def index():
    return MatchIndex(ACHIEVEMENTS, keys=[f"a{i}" for i in range(len(ACHIEVEMENTS))])


def test_normal_form_folds_traditional_full_width_and_case():
    assert normalise("機器視覺檢測") == "机器视觉检测"
    assert normalise("ＡＩ　Ｖｉｓｉｏｎ") == "ai vision"


def test_words_come_from_jieba_and_english_is_stemmed():
    words = Analyzer().words("锂电池极片缺陷检测 detecting coatings")
    assert "锂电池" in words and "电池" in words
    assert "detect" in words and "coat" in words  # coatings, coating and coat meet
    assert english_stem("is") == "is" and english_stem("CNNs".lower()) == "cnns"


def test_a_demand_finds_the_machine_vision_achievement_with_reasons(index):
    hits = index.search("希望用机器视觉检测锂电池极片表面缺陷，预算 80 万", limit=3)
    assert hits[0].key == "a0"
    assert 0 < hits[0].score <= 1
    assert "机器视觉" in hits[0].reason.terms or "机器视觉" in hits[0].reason.phrases
    assert any("缺陷" in t for t in hits[0].reason.terms + hits[0].reason.phrases)


def test_traditional_only_text_still_matches(index):
    hits = index.search("以機器視覺檢測鋰電池極片表面缺陷", limit=1)
    assert hits[0].key == "a0"


def test_english_only_text_still_matches(index):
    hits = index.search("weld seam inspection with machine vision", limit=1)
    assert hits[0].key == "a2"
    assert {"weld", "seam", "inspection"} <= set(hits[0].reason.terms)


def test_partial_words_meet_through_character_ngrams(index):
    # 降解 is a part of 可降解; 聚乳 is no dictionary word at all.
    hits = index.search("聚乳降解膜", limit=1)
    assert hits[0].key == "a3"


def test_candidates_and_exclusions_are_respected(index):
    hits = index.search("机器视觉缺陷检测", among=["a1", "a2", "a3"], limit=5)
    assert {h.key for h in hits} <= {"a1", "a2", "a3"}
    hits = index.search("机器视觉缺陷检测", exclude=["a0"], limit=3)
    assert "a0" not in {h.key for h in hits}


def test_an_empty_query_and_an_empty_index_give_nothing_not_errors(index):
    assert all(h.score == 0 for h in index.search("", limit=3))
    assert MatchIndex([]).search("机器视觉") == []


def test_explanation_lists_shared_phrases_longest_first():
    reason = explain_match("锂电池极片表面缺陷", "锂电池极片的表面缺陷检测")
    assert reason.phrases[0] == "锂电池极片" or "锂电池" in reason.terms


def test_a_large_corpus_builds_latent_and_neighbour_fields():
    texts = [f"{a} 第{i}号" for i in range(30) for a in ACHIEVEMENTS]
    big = MatchIndex(texts)
    assert big.latent is not None and big.neighbour_matrix is not None
    scores = big.scores("机器视觉缺陷检测")
    assert scores.shape == (len(texts),) and np.all(scores <= 1)
    assert texts[int(np.argmax(scores))].startswith("基于深度学习的机器视觉")


class CharacterBagEncoder:
    """A real (tiny) encoder implementing the protocol: bag of characters hashed into 64 dims."""

    def encode(self, texts):
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in normalise(text):
                out[row, hash(ch) % 64] += 1
        return out


def test_an_encoder_is_blended_into_the_score():
    plain = MatchIndex(ACHIEVEMENTS)
    blended = MatchIndex(ACHIEVEMENTS, encoder=CharacterBagEncoder())
    query = "锂电池极片缺陷"
    assert blended.search(query, limit=1)[0].key == 0
    assert not np.allclose(plain.scores(query), blended.scores(query))


def test_encoder_folders_are_recognised_or_refused_by_name(tmp_path):
    with pytest.raises(EncoderUnavailable) as absent:
        load_encoder(tmp_path / "absent")
    assert absent.value.code == "no_folder"
    with pytest.raises(EncoderUnavailable) as unknown:
        encoder_format(tmp_path)
    assert unknown.value.code == "unknown_format"
    (tmp_path / "modules.json").write_text("[]")
    assert encoder_format(tmp_path) == "sentence-transformers"
    (tmp_path / "model.onnx").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}")
    assert encoder_format(tmp_path) == "onnx"


# ------------------------------------------------------------------ evaluation


def _csv(rows, header=("q", "d", "label"), encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


ROWS = [
    ("锂电池缺陷检测", "机器视觉检测锂电池极片缺陷", "vision"),
    ("焊缝视觉检测", "机器视觉检测焊缝缺陷", "vision"),
    ("视觉识别零件", "机器视觉识别零件缺陷", "vision"),
    ("污泥处理", "污水处理厂污泥干化", "water"),
    ("污水脱氮", "污水处理生物脱氮工艺", "water"),
    ("再生水回用", "污水处理再生水回用", "water"),
]


def test_evaluation_reads_gbk_and_ranks_each_query_against_the_others():
    rows = read_labelled_csv(
        _csv(ROWS, encoding="gbk"), query_column="q", doc_column="d", label_column="label"
    )
    report = evaluate_ranking(rows)
    assert report["rows"] == 6
    assert report["precision_at_1"] == 1.0
    assert report["mrr"] == 1.0


@pytest.mark.parametrize(
    ("content", "columns", "field"),
    [
        (_csv([("a", "b", "x"), ("c", "d", "x")]), ("q", "d", "label"), "label_column"),
        (_csv(ROWS), ("question", "d", "label"), "query_column"),
        (_csv(ROWS), ("q", "d", "class"), "label_column"),
        ("q,d,label\n锂电池,检测,a\n".encode("utf-16"), ("q", "d", "label"), "file"),
    ],
    ids=["one-label", "missing-query-column", "missing-label-column", "utf16"],
)
def test_evaluation_refuses_bad_files_naming_the_field(content, columns, field):
    with pytest.raises((ValidationFailed, LabelledFileError)) as refused:
        read_labelled_csv(
            content, query_column=columns[0], doc_column=columns[1], label_column=columns[2]
        )
    error = refused.value
    assert field == error.field if isinstance(error, LabelledFileError) else field in error.fields


def test_match_eval_command_prints_json_last(tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_bytes(_csv(ROWS))
    call_command("match_eval", str(path), query_column="q", doc_column="d", label_column="label")
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(report) >= {"precision_at_1", "precision_at_10", "mrr", "rows"}
    assert report["rows"] == 6


def test_match_eval_command_names_the_option_in_its_error(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(_csv(ROWS))
    with pytest.raises(CommandError, match="--label-column"):
        call_command("match_eval", str(path), query_column="q", doc_column="d", label_column="nope")
    one = tmp_path / "one.csv"
    one.write_bytes(_csv([("a", "b", "x"), ("c", "d", "x")]))
    with translation.override("en"), pytest.raises(CommandError, match=r"--label-column: .*same"):
        call_command("match_eval", str(one), query_column="q", doc_column="d", label_column="label")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("q,d,label\n锂电池,检测,a\n".encode("utf-16"))
    with pytest.raises(CommandError, match="FILE"):
        call_command(
            "match_eval", str(utf16), query_column="q", doc_column="d", label_column="label"
        )
    with pytest.raises(CommandError, match="FILE"):
        call_command(
            "match_eval",
            str(tmp_path / "absent.csv"),
            query_column="q",
            doc_column="d",
            label_column="label",
        )
