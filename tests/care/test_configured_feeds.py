"""The feeds `commontable serve` starts from the workspace's `care_feeds` setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from commontable.care import FeedSetting, feed_settings, start_feeds, stop_feeds
from commontable.cli import app
from commontable.errors import ConfigError
from tests.care.messages import adt
from tests.care.test_feed import _adt_events, _free_port, send, wait_for


def test_each_feed_is_a_source_and_a_port() -> None:
    assert feed_settings(["lakeside-general-hospital:2575"]) == [
        FeedSetting("lakeside-general-hospital", 2575)
    ]


@pytest.mark.parametrize("wrong", ["lakeside", "lakeside:0", "lakeside:70000", ":2575"])
def test_a_malformed_feed_setting_says_what_to_write(wrong: str) -> None:
    with pytest.raises(ConfigError, match="SOURCE:PORT"):
        feed_settings([wrong])


def test_two_feeds_on_one_port_are_refused() -> None:
    with pytest.raises(ConfigError, match="one port"):
        feed_settings(["a:2575", "b:2575"])


def test_a_started_feed_answers_and_loads_what_arrived_when_stopped(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["init", str(tmp_path)]).exit_code == 0
    port = _free_port()
    (listener,) = start_feeds(tmp_path, [FeedSetting("lakeside-general-hospital", port)])
    try:
        wait_for(port, listener)
        send(port, adt("A04", "LGH1"), adt("A03", "LGH2"))
    finally:
        stop_feeds([listener])
    assert listener.returncode == 0
    assert _adt_events(tmp_path) == 2
