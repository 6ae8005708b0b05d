"""Scoring a paper: per area, per topic and the weakest topics, against counts done by hand."""

from __future__ import annotations


def test_a_scripted_paper_is_scored_per_area_and_topic() -> None:
    from eprep.exam.paper import Paper, PaperItem
    from eprep.exam.report import Answer, format_report, grade_paper
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    # Three cnn items (dl-basics), two word2vec items (dl-applications), one rnn item.
    chosen = [
        ("day2.cnn.output-height", "dl-basics"),
        ("day2.cnn.param-count", "dl-basics"),
        ("day2.cnn.pool-output", "dl-basics"),
        ("day3.word2vec.skipgram-losses", "dl-applications"),
        ("day3.word2vec.cbow-hidden", "dl-applications"),
        ("day3.rnn.param-count", "dl-basics"),
    ]
    items = tuple(PaperItem(i + 1, qid, 0, area) for i, (qid, area) in enumerate(chosen))
    paper = Paper(seed=5, items=items, asked=6, empty_areas=("math",), outside=())
    answers = {
        1: Answer(True, 30.0),
        2: Answer(False, 50.0),
        3: Answer(True, 20.0),
        4: Answer(False, 10.0),
        # 5 unanswered
        6: Answer(True, 40.0),
        99: Answer(True, 1.0),  # not on the paper: ignored
    }
    report = grade_paper(paper, bank, current(), answers)
    # by hand: right = 1, 3, 6; dl-basics 3 of 4, dl-applications 0 of 2
    assert (report["right"], report["items"], report["unanswered"]) == (3, 6, 1)
    assert report["missed"] == [2, 4, 5]
    assert report["seconds"] == 150.0 and report["mean_seconds"] == 150.0 / 5
    areas = {a["id"]: (a["right"], a["items"]) for a in report["areas"]}
    assert areas == {"dl-basics": (3, 4), "dl-applications": (0, 2)}
    topics = {t["topic"]: (t["right"], t["items"]) for t in report["topics"]}
    assert topics == {"day2.cnn": (2, 3), "day3.word2vec": (0, 2), "day3.rnn": (1, 1)}
    assert [t["topic"] for t in report["weakest"]] == ["day3.word2vec", "day2.cnn"]
    assert report["weakest"][0]["command"] == "eprep quiz day3.word2vec"
    text = format_report(report, "ja")
    assert "得点：3/6（50%）、未解答 1 問" in text
    assert "深層学習の応用" in text and "出題できる問題がない分野：math" in text
    english = format_report(report, "en").splitlines()
    assert "  day3.word2vec: eprep quiz day3.word2vec" in english
    assert "    1:  30    2:  50    3:  20    4:  10    5:   -    6:  40" in english


def test_the_history_chart_has_one_bar_per_paper() -> None:
    from eprep.exam.history import spark

    # eight bars for 0-100 %: 0 % the lowest, 50 % the fifth, 100 % the highest, a gap if absent
    assert spark([0.0, 50.0, None, 100.0, 99.0]) == "▁▅ ██"
