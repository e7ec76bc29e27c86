"""The dispatch classifier engine: training, ranked calibrated suggestions, bytes, and the
data it refuses. Small synthetic ticket texts; no database."""

import numpy as np
import pytest
from django.utils import translation

from parkos.property.dispatch import classifier
from parkos.property.dispatch.classifier import DispatchDataError, DispatchModelError


@pytest.fixture(autouse=True)
def _english_messages():
    """The messages asserted below are the English source strings; users get them in Chinese."""
    with translation.override("en"):
        yield


TICKETS = {
    "hvac": [
        "三楼会议室空调不制冷",
        "办公室空调一直滴水",
        "空调遥控器失灵温度调不了",
        "中央空调出风口有异味",
        "空调外机噪音很大",
        "机房空调报警温度过高",
        "风机盘管不出风",
        "The air conditioner is not cooling",
    ],
    "electrical": [
        "配电箱跳闸整层停电",
        "插座没电了",
        "走廊灯不亮需要更换灯管",
        "电路短路冒火花",
        "办公室频繁跳闸",
        "照明开关坏了",
        "应急灯不亮",
        "Power outage, the breaker tripped",
    ],
    "plumbing": [
        "卫生间水管漏水",
        "洗手池下水道堵塞",
        "天花板渗水滴水",
        "马桶堵了冲不下去",
        "水龙头关不紧一直漏水",
        "茶水间地漏返臭",
        "热水器没有热水",
        "Water leaking from the pipe",
    ],
    "elevator": [
        "电梯困人请尽快处理",
        "二号电梯异响",
        "电梯门关不上",
        "电梯按钮失灵",
        "货梯停在五楼不动",
        "扶梯突然停止运行",
        "电梯里面灯不亮",
        "The elevator is stuck",
    ],
}


def _corpus():
    texts, labels = [], []
    for label, examples in TICKETS.items():
        texts.extend(examples)
        labels.extend([label] * len(examples))
    return texts, labels


@pytest.fixture(scope="module")
def model():
    return classifier.train(*_corpus())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("五楼空调不制冷了", "hvac"),
        ("财务室跳闸停电", "electrical"),
        ("男卫生间漏水严重", "plumbing"),
        ("电梯困人了", "elevator"),
        ("the elevator door will not close", "elevator"),
    ],
)
def test_predicts_the_category_of_new_wording(model, text, expected):
    assert model.predict(text)[0].label == expected


def test_suggestions_rank_every_category_with_probabilities_summing_to_one(model):
    suggestions = model.predict("三楼空调漏水")
    assert sorted(label for label, _ in suggestions) == sorted(TICKETS)
    probabilities = [probability for _, probability in suggestions]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0)
    assert len(model.predict("三楼空调漏水", top=3)) == 3


def test_clear_ticket_is_confident_and_unseen_text_is_not(model):
    clear = model.predict("空调不制冷，空调滴水")[0].probability
    for unseen in ("", "   ", "快递签收", "zzqx 42"):
        assert model.predict(unseen)[0].probability < clear
        assert model.predict(unseen)[0].probability < 0.6


def test_single_text_path_equals_the_batch_path(model):
    texts = ["三楼会议室空调不制冷", "ELEVATOR 电梯异响!!", "", "未见过的词语 qwerty"]
    batch = model.probabilities(texts)
    for text, row in zip(texts, batch, strict=True):
        single = dict(model.predict(text))
        assert [single[label] for label in model.labels] == pytest.approx(list(row), abs=1e-6)


def test_full_width_and_case_do_not_change_the_prediction(model):
    assert model.predict("ＥＬＥＶＡＴＯＲ is stuck") == model.predict("elevator is stuck")


def test_bytes_round_trip_keeps_predictions(model):
    blob = model.to_bytes()
    assert isinstance(blob, bytes)
    loaded = classifier.from_bytes(blob)
    assert loaded.labels == model.labels
    assert loaded.predict("电梯困人") == model.predict("电梯困人")


def test_damaged_or_foreign_bytes_are_refused(model):
    with pytest.raises(DispatchModelError):
        classifier.from_bytes(b"not a model")
    with pytest.raises(DispatchModelError):
        classifier.from_bytes(model.to_bytes()[:-40])


def test_a_model_from_another_scikit_learn_release_is_refused(model, monkeypatch):
    blob = model.to_bytes()
    monkeypatch.setattr(classifier.sklearn, "__version__", "0.1.0")
    with pytest.raises(DispatchModelError, match="scikit-learn"):
        classifier.from_bytes(blob)


def test_one_category_is_a_clear_error():
    with pytest.raises(DispatchDataError, match="at least two categories"):
        classifier.train(["空调不制冷", "空调滴水"], ["hvac", "hvac"])


def test_blank_texts_do_not_count_as_a_category():
    with pytest.raises(DispatchDataError, match="at least two categories"):
        classifier.train(["空调不制冷", "  ", ""], ["hvac", "electrical", "plumbing"])


def test_lengths_must_match():
    with pytest.raises(DispatchDataError):
        classifier.train(["空调不制冷", "跳闸"], ["hvac"])


def test_tiny_training_set_trains_and_stays_modest():
    model = classifier.train(["空调不制冷", "配电箱跳闸"], ["hvac", "electrical"])
    assert model.predict("空调坏了")[0].label == "hvac"
    # Two examples cannot support certainty: no temperature was fitted.
    assert model.temperature == classifier.DEFAULT_TEMPERATURE
    assert model.predict("空调坏了")[0].probability < 0.9


def test_a_category_seen_once_is_kept():
    texts, labels = _corpus()
    model = classifier.train([*texts, "消防喷淋头误喷"], [*labels, "fire"])
    assert "fire" in model.labels
    assert model.metadata["class_counts"]["fire"] == 1


def test_probabilities_are_calibrated_on_held_out_texts():
    # Overlapping categories: a well-calibrated model is right about as often as it claims.
    rng = np.random.default_rng(0)
    words = {
        "hvac": ["空调", "制冷", "温度", "风机", "滴水"],
        "plumbing": ["漏水", "水管", "滴水", "堵塞", "马桶"],
        "electrical": ["跳闸", "停电", "插座", "灯", "温度"],
    }

    def ticket(label):
        return "".join(rng.choice(words[label], size=2)) + "请处理"

    labels = [label for label in words for _ in range(120)]
    texts = [ticket(label) for label in labels]
    model = classifier.train(texts, labels)
    test_labels = [label for label in words for _ in range(100)]
    probabilities = model.probabilities([ticket(label) for label in test_labels])
    predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
    accuracy = np.mean([p == t for p, t in zip(predicted, test_labels, strict=True)])
    assert probabilities.max(axis=1).mean() == pytest.approx(accuracy, abs=0.1)
