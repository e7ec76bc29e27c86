"""Benchmark of the dispatch classifier: training on 50,000 tickets, and the latency of
classifying one ticket.

    PYTHONPATH=src python bench/dispatch_train.py [--tickets 50000] [--runs 3]

Tickets are synthetic but shaped like real ones: a place in the park, a symptom of one of
twelve categories in several wordings, often an urgency or a detail, sometimes two symptoms
of different categories (the ambiguous tickets dispatchers see). Targets (ARCHITECTURE):
training under 60 s on a 2-core machine; one classification a few milliseconds, so that
the whole dispatch decision stays under 50 ms at p95.

The same engine measured on real Chinese text (CSL paper titles, 13 categories), train on
train.tsv, test on test.tsv; then 5-fold cross-validation on train.tsv:

    D=../shared/data/csl/cls_ctg
    parkos dispatch-eval --train $D/train.tsv --test $D/test.tsv --text-column 1 --label-column 2
    parkos dispatch-eval $D/train.tsv --folds 5 --text-column 1 --label-column 2
"""

import argparse
import os
import random
import statistics
import time

import django

SYMPTOMS = {
    "空调暖通": [
        "空调不制冷",
        "空调不制热",
        "空调滴水",
        "空调噪音很大",
        "出风口有异味",
        "风机盘管不出风",
        "温度调不下来",
        "新风系统不工作",
    ],
    "电气照明": [
        "跳闸停电",
        "插座没电",
        "灯管不亮",
        "开关冒火花",
        "配电箱有焦味",
        "应急灯不亮",
        "电线裸露",
        "整层断电",
    ],
    "给排水": [
        "水管漏水",
        "下水道堵塞",
        "天花板渗水",
        "马桶堵塞",
        "水龙头关不紧",
        "地漏返臭",
        "没有热水",
        "水压太低",
    ],
    "电梯": [
        "电梯困人",
        "电梯异响",
        "电梯门关不上",
        "电梯按钮失灵",
        "电梯停在楼层不动",
        "扶梯突然停止",
        "电梯抖动厉害",
        "电梯显示屏不亮",
    ],
    "消防": [
        "烟感误报警",
        "消防喷淋头漏水",
        "灭火器过期",
        "消防通道被堵",
        "应急指示牌不亮",
        "消火栓箱门坏了",
        "火灾报警器一直响",
        "防火门关不严",
    ],
    "门禁安防": [
        "门禁卡刷不开",
        "监控摄像头黑屏",
        "道闸不抬杆",
        "访客系统无法登记",
        "人脸识别失败",
        "门锁坏了打不开",
        "对讲机没声音",
        "停车场闸机故障",
    ],
    "保洁": [
        "垃圾没人清理",
        "地面很脏有污渍",
        "卫生间没有纸巾",
        "楼道有异味",
        "玻璃需要擦洗",
        "地毯需要清洗",
        "茶水间很脏",
        "垃圾桶满了",
    ],
    "绿化": [
        "草坪需要修剪",
        "树枝断了挡路",
        "花坛植物枯死",
        "绿化带浇水",
        "落叶太多",
        "树木需要修剪",
        "盆栽需要更换",
        "杂草太多",
    ],
    "网络通信": [
        "网络断了上不了网",
        "无线信号很弱",
        "网口没有信号",
        "电话打不出去",
        "网速特别慢",
        "交换机指示灯不亮",
        "会议室投屏连不上",
        "光纤中断",
    ],
    "家具门窗": [
        "办公桌抽屉坏了",
        "椅子轮子掉了",
        "窗户关不上",
        "玻璃门裂了",
        "柜门合页松了",
        "百叶窗拉不动",
        "门把手脱落",
        "隔断墙松动",
    ],
    "停车": [
        "车位被占用",
        "地库照明太暗",
        "充电桩无法充电",
        "停车缴费失败",
        "车位地锁坏了",
        "地库积水",
        "车辆剐蹭需要查监控",
        "访客车辆无法入场",
    ],
    "虫害": [
        "办公室有老鼠",
        "发现蟑螂",
        "蚊子很多需要消杀",
        "有白蚁",
        "茶水间有蚂蚁",
        "仓库有飞虫",
        "需要灭鼠",
        "垃圾房苍蝇多",
    ],
}
BUILDINGS = [
    "一号楼",
    "二号楼",
    "三号楼",
    "A座",
    "B座",
    "C座",
    "研发中心",
    "孵化器大楼",
    "创新工场",
    "人才公寓",
]
SPOTS = [
    "大堂",
    "会议室",
    "茶水间",
    "男卫生间",
    "女卫生间",
    "走廊",
    "机房",
    "地下车库",
    "前台",
    "办公室",
    "实验室",
    "食堂",
]
OPENINGS = ["", "您好，", "麻烦", "报修：", "紧急！", "请物业处理，", "你好 "]
DETAILS = [
    "",
    "，已经两天了",
    "，影响办公",
    "，请尽快派人",
    "，昨天就报过",
    "，客户下午来访",
    "，很急",
    "，谢谢",
]


def synthetic_tickets(count: int, seed: int = 7) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    categories = list(SYMPTOMS)
    # Uneven, as in service: a few categories make most of the tickets.
    weights = [1 / (rank + 1) for rank in range(len(categories))]
    texts, labels = [], []
    for _ in range(count):
        category = rng.choices(categories, weights)[0]
        place = f"{rng.choice(BUILDINGS)}{rng.randint(1, 20)}楼{rng.choice(SPOTS)}"
        text = f"{rng.choice(OPENINGS)}{place}{rng.choice(SYMPTOMS[category])}{rng.choice(DETAILS)}"
        if rng.random() < 0.1:
            text += "，另外" + rng.choice(SYMPTOMS[rng.choice(categories)])
        texts.append(text)
        labels.append(category)
    return texts, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=1000)
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
    django.setup()
    from parkos.property.dispatch import classifier

    texts, labels = synthetic_tickets(options.tickets)
    classifier.word_tokens("预热")  # jieba's dictionary loads once per process, not per training

    wall_times, cpu_times = [], []
    for _ in range(options.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        model = classifier.train(texts, labels)
        wall_times.append(time.perf_counter() - wall)
        cpu_times.append(time.process_time() - cpu)
    print(
        f"train {options.tickets} tickets: median {statistics.median(wall_times):.1f} s wall "
        f"({statistics.median(cpu_times):.1f} s CPU) over {options.runs} runs; "
        f"runs {', '.join(f'{t:.1f}' for t in wall_times)} s; model {len(model.to_bytes()) / 1e6:.1f} MB"
    )

    probes, _ = synthetic_tickets(options.calls, seed=11)
    model.predict(probes[0])
    latencies = []
    for text in probes:
        start = time.perf_counter()
        model.predict(text, top=3)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"predict one ticket: p50 {p50:.2f} ms, p95 {p95:.2f} ms over {options.calls} calls")


if __name__ == "__main__":
    main()
