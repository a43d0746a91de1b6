"""Against an HTTP server a report's independent questions overlap, up to the concurrency."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from summarizer.api import open_client, summarize
from summarizer.settings import Settings

from .fake_openai_server import answer_by_rules, running_server

#: An invented report: a dozen questions, each answered by the fake server's rules.
REPORT = "\n\n".join(
    [
        "Ngày 12-3, Ban Chấp hành Đảng bộ huyện Tân Lạc Sơn tổ chức hội nghị lần thứ 9.",
        "Quý I, tổng giá trị sản xuất đạt 1.204 tỷ đồng, tăng 6,1% so với cùng kỳ; thu ngân "
        "sách đạt 88 tỷ đồng, bằng 27% dự toán.",
        "Công tác chuyển đổi số được đẩy mạnh; an ninh chính trị được giữ vững.",
        "Tuy nhiên, tiến độ giải phóng mặt bằng còn chậm, thu ngân sách từ đất đạt thấp.",
        "Thời gian tới, tăng cường thu ngân sách, đẩy nhanh tiến độ các dự án trọng điểm.",
        "Tiếp tục nâng cao chất lượng giáo dục, chăm lo đời sống nhân dân vùng khó khăn.",
    ]
)


class InFlight:
    """A server answer that takes a while and counts how many requests overlap."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(self.seconds)
        with self._lock:
            self.now -= 1
        return answer_by_rules(request)


def test_questions_overlap_up_to_the_concurrency_and_change_nothing(
    env: pytest.MonkeyPatch,
) -> None:
    summaries = {}
    for n in (1, 4):
        server_answer = InFlight(0.02)
        with running_server(server_answer) as server:
            env.setenv("OPENAI_BASE_URL", server.base_url)
            env.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
            client = open_client(Settings(concurrency=n))
            summaries[n] = summarize(REPORT, client=client)
            requests = len(server.chat_attempts)
        assert server_answer.peak == n
        assert requests == summaries[n].run.usage.calls
    assert summaries[1].model_dump(exclude={"run"}) == summaries[4].model_dump(exclude={"run"})
    assert summaries[4].run.usage.calls >= 8 and summaries[4].tasks


def test_an_http_server_gets_four_questions_at_a_time_by_default(env: pytest.MonkeyPatch) -> None:
    server_answer = InFlight(0.02)
    with running_server(server_answer) as server:
        env.setenv("OPENAI_BASE_URL", server.base_url)
        client = open_client(Settings())
        assert client.concurrency == 4
        summarize(REPORT, client=client)
    assert server_answer.peak == 4
    env.setenv("SUMMARIZER_CONCURRENCY", "2")
    assert open_client(Settings()).concurrency == 2
