"""A PTG summary that names no day is dated by its cycle's PTG week."""

from __future__ import annotations

from datetime import date

from syncsvc.domain import Day
from syncsvc.parse.summary import parse_summary

UNDATED = """\
Subject: [watcher] 2026.2 Hibiscus PTG summary

Thank you all that joined the Watcher PTG sessions last week.

Telemetry and Datasources
=========================
*AI*: Work on an Aetos job to run in devstack-plugin-prometheus changes.
*AI*: Test Application Credentials with Aetos in devstack jobs.
"""


def test_undated_ptg_summary_takes_its_ptg_week() -> None:
    """No day heading, a known cycle and "PTG": one day, the PTG week's Monday, on every topic."""
    event = parse_summary(UNDATED)
    assert event.cycle == "hibiscus"
    assert event.days == (Day("Hibiscus PTG week", date(2026, 4, 20)),)
    assert [t.day for t in event.topics] == [Day("Hibiscus PTG week", date(2026, 4, 20))]
    assert len(event.actions) == 2


ROCKY = """\
Subject: [cinder] Rocky PTG summary

Thanks all who joined the PTG in Dublin.

Topic
=====
* jungleboyj will write the spec
"""


def test_a_2018_ptg_summary_takes_its_ptg_week() -> None:
    """A Rocky summary is dated by the Dublin PTG week (Feb 26 - Mar 2, 2018): its Monday."""
    event = parse_summary(ROCKY)
    assert event.cycle == "rocky"
    assert event.days == (Day("Rocky PTG week", date(2018, 2, 26)),)
    assert len(event.actions) == 1


def test_a_cycle_given_by_the_caller_dates_it_too() -> None:
    """`import --cycle` names the cycle the text does not: its PTG week dates the summary."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace("Subject: [watcher] ", "Subject: ")
    event = parse_summary(text, cycle="flamingo")
    assert [d.date for d in event.days] == [date(2025, 4, 7)]


def test_without_a_cycle_nothing_is_dated() -> None:
    """With no cycle known there is no week to take: no day, as before."""
    text = UNDATED.replace("2026.2 Hibiscus ", "")
    event = parse_summary(text)
    assert event.cycle is None
    assert event.days == ()
    assert event.topics[0].day is None


def test_a_text_that_is_no_ptg_summary_is_not_dated() -> None:
    """A cycle alone (a midcycle mail, a meeting note) does not make the PTG week its day."""
    text = UNDATED.replace("PTG", "midcycle")
    event = parse_summary(text, cycle="hibiscus")
    assert event.days == ()


def test_written_days_win() -> None:
    """A summary that writes its days keeps them; the PTG week is not added."""
    text = UNDATED.replace(
        "Telemetry and Datasources\n", "Tuesday 21 April 2026\n\nTelemetry and Datasources\n"
    )
    event = parse_summary(text)
    assert [(d.label, d.date) for d in event.days] == [("Tuesday 21 April 2026", date(2026, 4, 21))]


def test_the_cycle_named_only_by_the_ptg_etherpad() -> None:
    """A PTG etherpad (…/p/neutron-bobcat-ptg) names the cycle the text does not: dated too."""
    text = (
        "Hello Neutrinos:\n\nThis is a quick summary of the PTG sessions last week. This is the"
        " etherpad used: https://etherpad.opendev.org/p/neutron-bobcat-ptg\n\nStadium projects\n"
        "================\n* ralonsoh will propose the sqlalchemy 2.0 jobs\n"
    )
    event = parse_summary(text)
    assert (event.team, event.cycle) == ("neutron", "bobcat")
    assert [d.date for d in event.days] == [date(2023, 3, 27)]


PIPERMAIL = """\
[openstack-dev] [Manila] PTG summary

Ben Swartzlander ben at swartzlander.org
Fri Mar 3 18:11:51 UTC 2017

Here is a brief summary of the Manila PTG.

Ensure Share
============
* bswartz will write a spec for the new driver interface
"""


def test_a_pipermail_date_line_names_the_ptg_just_held() -> None:
    """A PTG summary naming no cycle, sent a week after the Pike PTG: the Pike PTG, dated."""
    event = parse_summary(PIPERMAIL)
    assert (event.team, event.cycle) == ("manila", "pike")
    assert [d.date for d in event.days] == [date(2017, 2, 20)]


def test_a_date_header_names_the_ptg_just_held() -> None:
    """The same from a saved mail's Date: header (the Hibiscus PTG, April 2026)."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace(
        "Subject:", "Date: Tue, 28 Apr 2026 10:00:00 +0000\nSubject:"
    )
    assert parse_summary(text).cycle == "hibiscus"


def test_a_mail_sent_long_after_any_ptg_names_no_cycle() -> None:
    """Sent months after the last PTG week (here July 2017), it is not taken to be about it."""
    event = parse_summary(PIPERMAIL.replace("Fri Mar 3", "Fri Jul 7"))
    assert (event.cycle, event.days) == (None, ())


def test_a_numbered_release_names_the_cycle() -> None:
    """A release number ("Ironic PTG 2024.2") names the series (Dalmatian): dated too."""
    text = UNDATED.replace("2026.2 Hibiscus PTG summary", "PTG summary").replace(
        "Thank you all", "Here's a summary of the Watcher PTG 2024.2. Thank you all"
    )
    event = parse_summary(text)
    assert event.cycle == "dalmatian"
    assert [d.date for d in event.days] == [date(2024, 4, 8)]


def test_a_number_that_is_no_numbered_release_names_nothing() -> None:
    """Before 2023 releases had no numbers: "2022.2" names no series."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace("last week.", "last week (2022.2).")
    assert parse_summary(text).cycle is None


def test_the_month_a_ptg_etherpad_names() -> None:
    """A PTG etherpad named for its month (…/p/apr2024-ptg-os-tc): that PTG's series."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace(
        "last week.", "last week: https://etherpad.opendev.org/p/apr2024-ptg-watcher"
    )
    assert parse_summary(text).cycle == "dalmatian"


def test_the_dates_an_introduction_gives() -> None:
    """An introduction that dates the PTG (23rd to 26th Oct 2023): the cycle it fell in."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace(
        "last week.", "last week, between 23rd OCt to 26th OCT 2023."
    )
    event = parse_summary(text)
    assert event.cycle == "caracal"
    assert [d.date for d in event.days] == [date(2023, 10, 23)]


def test_an_in_person_ptg_by_its_city_and_year() -> None:
    """An in-person PTG named by city and year (Shanghai, November 2019): Ussuri's week."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace(
        "last week.", "in Shanghai in November 2019."
    )
    event = parse_summary(text)
    assert event.cycle == "ussuri"
    assert [d.date for d in event.days] == [date(2019, 11, 4)]


def test_a_city_of_another_year_names_no_cycle() -> None:
    """Denver held three PTGs: without one of their years the city names none."""
    text = UNDATED.replace("2026.2 Hibiscus ", "").replace("last week.", "in Denver in 2016.")
    assert parse_summary(text).cycle is None
