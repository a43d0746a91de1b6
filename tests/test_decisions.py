"""From model answers to parts and labels, through the genre's rules (summarizer/decisions.py).
Invented reports only."""

from __future__ import annotations

import json

from summarizer.api import summarize
from summarizer.decisions import label_plan, mark_shortfalls, needs_a_part, parts_of, settle
from summarizer.genre import disabled
from summarizer.ingest import make_document
from summarizer.llm import LLMClient

from .conftest import FakeBackend, rule_based_answers

REPORT = "\n".join(
    [
        "KẾT QUẢ 9 THÁNG",
        "Thu ngân sách đạt 96 tỷ đồng, bằng 78% dự toán; cải cách hành chính có chuyển biến.",
        "Tuy nhiên, vẫn còn một số hạn chế như sau: giải ngân vốn đầu tư công còn chậm.",
        "Thời gian tới, tập trung thu hoạch lúa mùa; đẩy nhanh giải ngân vốn đầu tư công.",
        "Tại hội nghị, các đại biểu đã thảo luận, góp ý; thống nhất tập trung khắc phục hạn chế.",
    ]
)


def test_headings_get_no_question_and_parts_follow_the_rules() -> None:
    doc = make_document(REPORT)
    assert needs_a_part(doc) == [1, 2, 3, 4]  # the heading line is not asked about
    certain = {1: "review", 2: "coming", 3: "coming", 4: "meeting"}
    parts = parts_of(doc, {k: {v: 1.0} for k, v in certain.items()})
    assert parts[0] == "heading"
    assert parts[2] == "review"  # it opens with limitations and no direction
    assert parts[3] == "coming"
    assert parts_of(doc, {})[1] == "meeting"  # no answer: the meeting, where nothing is ruled out


def test_a_paragraph_no_part_could_change_is_not_asked_about() -> None:
    protocol = "Tại hội nghị, các đại biểu đã thảo luận, góp ý vào dự thảo nghị quyết."
    doc = make_document("\n".join([REPORT, protocol]))
    assert needs_a_part(doc) == [1, 2, 3, 4]  # every clause of 5 is "other" by a rule
    parts = parts_of(doc, {k: {"review": 1.0} for k in needs_a_part(doc)})
    assert parts[5] == "meeting"  # unasked: about the meeting, which smoothing skips
    plan = label_plan(doc, parts)
    assert all(plan[c.id] == "other" for c in doc.clauses if c.paragraph_id == 5)
    with disabled("what_the_meeting_did"):
        assert needs_a_part(doc) == [1, 2, 3, 4, 5]  # 5 then has a clause its part decides


def test_the_plan_leaves_the_model_only_what_the_text_allows() -> None:
    doc = make_document(REPORT)
    parts = {0: "heading", 1: "review", 2: "review", 3: "coming", 4: "meeting"}
    plan = {doc.clauses[k].text: v for k, v in label_plan(doc, parts).items()}
    assert plan["KẾT QUẢ 9 THÁNG"] == "other"
    # a review clause without a word of limitation or a request states a result: not asked
    revenue = next(v for t, v in plan.items() if t.startswith("Thu ngân sách"))
    assert revenue == "achievement"
    assert plan["Tuy nhiên, vẫn còn một số hạn chế như sau:"] == "other"  # a lead-in
    assert plan["giải ngân vốn đầu tư công còn chậm."] == ("achievement", "shortcoming", "other")
    assert plan["Thời gian tới, tập trung thu hoạch lúa mùa;"] == "task"  # directions, opening too
    assert plan["đẩy nhanh giải ngân vốn đầu tư công."] == "task"
    # in a paragraph about the meeting the labels stay open to the model (a limit overcome
    # is not one, so no shortcoming)
    assert plan["thống nhất tập trung khắc phục hạn chế."] == ("achievement", "task", "other")
    with disabled("reviews_a_result", "continues_directions"):
        plan = {doc.clauses[k].text: v for k, v in label_plan(doc, parts).items()}
    assert plan[next(t for t in plan if t.startswith("Thu ngân sách"))] == ("achievement", "other")
    assert plan["đẩy nhanh giải ngân vốn đầu tư công."] == ("task", "other")


def test_settle_takes_the_answers_and_checks_meeting_tasks() -> None:
    doc = make_document(REPORT)
    parts = {0: "heading", 1: "review", 2: "review", 3: "coming", 4: "meeting"}
    plan = label_plan(doc, parts)
    asked = [c for c in doc.clauses if not isinstance(plan[c.id], str)]
    answers = {c.id: ("task", 0.9) for c in asked if c.paragraph_id == 4}
    decisions = settle(doc, parts, plan, answers)
    meeting = {c.text: decisions.labels[c.id] for c in doc.clauses if c.paragraph_id == 4}
    assert meeting == {
        "Tại hội nghị, các đại biểu đã thảo luận, góp ý;": "other",  # no request before it
        "thống nhất tập trung khắc phục hạn chế.": "task",  # "thống nhất" decides it
    }
    limit = next(c for c in asked if c.paragraph_id == 2)
    assert decisions.labels[limit.id] == "other"  # no answer: nothing is claimed


def test_a_shortfall_is_a_shortcoming_at_the_end_of_the_year_only() -> None:
    doc = make_document(REPORT)
    parts = {0: "heading", 1: "review", 2: "review", 3: "coming", 4: "meeting"}
    plan = label_plan(doc, parts)
    revenue = doc.clauses[1].id
    for months, expected in ((9, "achievement"), (12, "shortcoming")):
        decisions = settle(doc, parts, plan, {revenue: ("achievement", 0.8)})
        mark_shortfalls(decisions, {revenue}, months)
        assert decisions.labels[revenue] == expected


def test_the_pipeline_offers_only_the_allowed_labels(env) -> None:
    backend = FakeBackend(rule_based_answers)
    summary = summarize(REPORT, client=LLMClient(backend, "fake"))
    offered = {}
    for request in backend.requests:
        schema = request["response_format"]["json_schema"]["schema"]
        if "label" in schema["properties"]:
            clause = json.loads(json.dumps(request["messages"][-1]["content"]))
            offered[clause] = schema["properties"]["label"]["enum"]
    limit = next(k for k in offered if "còn chậm" in k)
    assert offered[limit] == ["achievement", "shortcoming", "other"]
    # decided by a rule, not asked: a result in the review, the directions
    assert all("Thu ngân sách" not in k and "đẩy nhanh giải ngân" not in k for k in offered)
    assert summary.tasks and summary.achievements


def test_the_distribution_list_is_not_the_report() -> None:
    text = REPORT + "\nNơi nhận:\n- Thường trực Huyện ủy,\n- Các chi bộ trực thuộc,\n- Lưu VP."
    doc = make_document(text)
    asked = needs_a_part(doc)
    assert asked == [1, 2, 3, 4]  # no question about the recipients
    parts = parts_of(doc, {k: {"coming": 1.0} for k in asked})
    assert {parts[p.id] for p in doc.paragraphs[5:]} == {"heading"}
    plan = label_plan(doc, parts)
    assert all(plan[c.id] == "other" for c in doc.clauses if c.paragraph_id >= 5)
    with disabled("opens_the_recipients"):
        assert needs_a_part(doc)[-2:] == [6, 7]  # "- Lưu VP." is too short to ask about
