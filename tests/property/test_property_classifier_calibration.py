"""Confidence of the dispatch classifier on a long history: the temperature is measured on a
sample of it (so that training 50,000 tickets stays within a minute), and the sample keeps
every category, a rare one included. The sample size is lowered here to stay fast."""

import numpy as np
import pytest

from parkos.property.dispatch import classifier

SYMPTOMS = {
    "hvac": ["空调不制冷", "空调漏水", "出风口有异味", "暖气不热", "空调噪音大"],
    "electrical": ["插座没电", "配电箱跳闸", "灯管不亮", "整层停电", "开关冒火花"],
    "plumbing": ["水管漏水", "马桶堵塞", "下水道反味", "水龙头关不紧", "没有热水"],
}
PLACES = ["一号楼会议室", "二号楼走廊", "三号楼卫生间", "研发中心大堂", "A座办公室", "B座茶水间"]


def _history():
    texts, labels = [], []
    for label, symptoms in SYMPTOMS.items():
        for place in PLACES:
            for symptom in symptoms:
                texts.append(f"{place}{symptom}")
                labels.append(label)
    texts.append("电梯困人")
    labels.append("elevator")
    return texts, labels


@pytest.fixture
def sampled_calibration(monkeypatch):
    monkeypatch.setattr(classifier, "CALIBRATION_ROWS", 40)


def test_a_long_history_is_calibrated_on_a_sample_that_keeps_every_category(
    sampled_calibration,
):
    texts, labels = _history()
    model = classifier.train(texts, labels)

    assert model.labels == ["electrical", "elevator", "hvac", "plumbing"]
    assert model.temperature != classifier.DEFAULT_TEMPERATURE
    clear = model.predict("五号楼空调不制冷")[0]
    assert clear.label == "hvac"
    assert clear.probability > model.predict("快递签收")[0].probability


def test_the_sample_has_each_category_in_its_share():
    targets = np.array([0] * 900 + [1] * 99 + [2])
    sample = classifier._stratified_sample(targets, 100)
    chosen = targets[sample].tolist()
    assert chosen.count(0) == 90
    assert chosen.count(1) == 10
    assert chosen.count(2) == 1
    assert len(set(sample.tolist())) == len(sample)
