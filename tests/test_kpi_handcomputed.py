"""Every KPI of SPEC section 7 on a small organisation, against values computed by hand.

The organisation (tests/fixtures/repos/kpi-org) covers 2026-Q3. Times are in Europe/Amsterdam
(+02:00 in summer); the as-of moment is the end of 2026-09-30 unless a test says otherwise.
Edge cases in the fixture: records created before the period but implemented in it, an implemented
event written in UTC on 30 June that is 1 July locally, anonymous makers, withdrawn items (before and
after `given`), events after the as-of date, a record created on 30 Sep whose first event is on
1 Oct (it does not exist yet), norms met exactly (5.0 and 1.0 and 10.0 days), ties in rankings, and
half-way values that binary floats would round the wrong way (3.25, 6.25, 0.45).
"""

from __future__ import annotations

import datetime as dt

from kpi_helpers import kpis, values


def kpi(
    value: object, unit: str, n: int, target: dict[str, float] | None = None, met: bool | None = None
) -> dict[str, object]:
    """One KPI of the JSON report."""
    return {"value": value, "unit": unit, "n": n, "target": target, "met": met}


# ---- compliments -----------------------------------------------------------------------------------
# In Q3 and existing on 30 Sep: C-0701, C-0705, C-0710 (anonymous), C-0715 (cap), C-0720 (withdrawn
# before given), C-0801, C-0810 (withdrawn after given), C-0901, C-0920, C-0927 = 10.
# Not counted: C-0625 (created in June, given in July), C-0930 (first event on 1 Oct).
# Days from registration to given (as of 30 Sep):
#   C-0701 07-01 09:00 -> 07-03 09:00 = 2.0     C-0705 07-05 09:00 -> 07-10 09:00 = 5.0 (norm, <=)
#   C-0710 07-10 09:00 -> 07-17 21:00 = 7.5     C-0715 07-15 09:00 -> 07-16 09:00 = 1.0
#   C-0801 08-01 09:00 -> 08-04 21:00 = 3.5     C-0810 08-10 09:00 -> 08-13 09:00 = 3.0
#   C-0920 is given on 10-02: after the as-of date, so not given.


def test_compliment_kpis_match_hand_computed_values() -> None:
    k = kpis()
    assert k["compliments.registered"] == kpi(10, "count", 10)
    # sorted 1.0 2.0 3.0 3.5 5.0 7.5: median (3.0 + 3.5) / 2 = 3.25 -> 3.3 (half away from zero;
    # Python's round(3.25, 1) gives 3.2)
    assert k["compliments.median_days_to_given"] == kpi(3.3, "days", 6)
    # within 5 days: 2.0, 5.0, 1.0, 3.5, 3.0 = 5 of 6 = 83.33 -> 83.3; target min 80 -> met
    assert k["compliments.given_within_norm_pct"] == kpi(83.3, "pct", 6, {"min": 80}, True)
    # given and not anonymous: C-0701, C-0705, C-0715, C-0801, C-0810 = 5 (C-0710 is anonymous);
    # maker_informed by 30 Sep: C-0701, C-0715, C-0801 = 3 (C-0705 on 10-03 is after as-of): 3/5 = 60.0
    assert k["compliments.maker_informed_pct"] == kpi(60.0, "pct", 5)
    # before given and open: C-0901 (registered, 29.6 days), C-0920 (forwarded, 10.6 days) > 5;
    # C-0927 is 3.6 days old; C-0720 is withdrawn -> 2
    assert k["compliments.open_overdue"] == kpi(2, "count", 2)
    # with a cap: C-0715 (C-0625 has one too, but was created in June) -> 1
    assert k["compliments.caps"] == kpi(1, "count", 1)


# ---- complaints ------------------------------------------------------------------------------------
# In Q3: S-0702, S-0710, S-0801, S-0905, S-0925 = 5 (S-0620 was created in June).
#            first event   acknowledged          resolved              satisfaction
#   S-0702   07-02 09:00   07-02 15:00 = 0.25    07-08 09:00 = 6.0     4
#   S-0710   07-10 09:00   07-11 09:00 = 1.0     07-20 09:00 = 10.0    2
#   S-0801   08-01 09:00   08-03 09:00 = 2.0     08-15 09:00 = 14.0    5
#   S-0905   09-05 09:00   09-05 18:00 = 0.375   10-05 (after as-of)   -
#   S-0925   09-25 09:00   10-01 (after as-of)   -                     -


def test_complaint_kpis_match_hand_computed_values() -> None:
    k = kpis()
    assert k["complaints.received"] == kpi(5, "count", 5)
    # acknowledged: 4; within 1 day (<=): 0.25, 1.0, 0.375 = 3 -> 75.0; target min 90 -> not met
    assert k["complaints.acknowledged_within_norm_pct"] == kpi(75.0, "pct", 4, {"min": 90}, False)
    # resolved: 3; within 10 days: 6.0, 10.0 = 2 -> 66.67 -> 66.7
    assert k["complaints.resolved_within_norm_pct"] == kpi(66.7, "pct", 3)
    # median of 6.0, 10.0, 14.0 = 10.0; target max 10 -> met (<=)
    assert k["complaints.median_days_to_resolve"] == kpi(10.0, "days", 3, {"max": 10}, True)
    # (4 + 2 + 5) / 3 = 3.667 -> 3.7
    assert k["complaints.handling_satisfaction_avg"] == kpi(3.7, "score", 3)


# ---- signals ---------------------------------------------------------------------------------------
# 22 signals in Q3: complaint 5, question 8, survey 2, remark 5, forum 1, employee_idea 1.
# Channels: phone 8 (3 complaints, 4 questions, 1 remark), email 3, web 3, letter 2, survey 2,
# chat 1, forum 1, in_person 1, internal 1.


def test_signal_counts_by_kind_and_channel() -> None:
    k = kpis()
    assert k["signals.by_kind"]["value"] == {
        "question": 8,
        "complaint": 5,
        "remark": 5,
        "survey": 2,
        "employee_idea": 1,
        "forum": 1,
    }
    assert list(k["signals.by_kind"]["value"]) == [
        "question",
        "complaint",
        "remark",
        "survey",
        "employee_idea",
        "forum",
    ]
    assert k["signals.by_kind"]["n"] == 22
    assert k["signals.by_channel"]["value"] == {
        "phone": 8,
        "email": 3,
        "web": 3,
        "letter": 2,
        "survey": 2,
        "chat": 1,
        "forum": 1,
        "in_person": 1,
        "internal": 1,
    }
    assert k["signals.by_channel"]["n"] == 22


def test_top_question_topics_sum_counts_and_break_ties_by_topic() -> None:
    # Q3 question counts: opzeggen 30 + 10 = 40, factuur 19, adres 5, storing 5, wachtwoord 5,
    # zzz-overig 5, bedankt 1 (no count: default 1); the June log (opzeggen 100) is outside.
    # Sum 80. Four topics tie at 5: by topic ascending adres, storing, wachtwoord make the top 5.
    # Shares: 40/80 = 50.0; 19/80 = 23.75 -> 23.8; 5/80 = 6.25 -> 6.3 (round(6.25, 1) would be 6.2)
    k = kpis()["questions.top_topics"]
    assert k["value"] == [
        {"topic": "opzeggen", "count": 40, "share_pct": 50.0},
        {"topic": "factuur", "count": 19, "share_pct": 23.8},
        {"topic": "adres", "count": 5, "share_pct": 6.3},
        {"topic": "storing", "count": 5, "share_pct": 6.3},
        {"topic": "wachtwoord", "count": 5, "share_pct": 6.3},
    ]
    assert k["n"] == 8


def test_top20_share_uses_ceil_of_twenty_percent_of_customers() -> None:
    # Signals naming a customer in Q3: K-1 4 (3 complaints, 1 remark), K-2 2, K-3 2, K-4 1, K-5 1, K-6 1
    # = 11 signals, 6 customers; top ceil(6 * 0.2) = ceil(1.2) = 2 customers: 4 + 2 = 6; 6/11 = 54.55 -> 54.5
    # (the June complaint of K-2 is outside the period). Target max 80 -> met.
    assert kpis()["customers.top20_share_pct"] == kpi(54.5, "pct", 11, {"max": 80}, True)


def test_survey_priorities_of_the_latest_survey_exact_and_tied() -> None:
    # Two surveys created on 09-10: the tie goes to the lower id, S-20260910-kto-a.
    # priority = importance x (10 - rating):
    #   bereikbaarheid 0.4 x 4 = 1.6; snelheid 0.2 x 2.25 = 0.45 -> 0.5;
    #   vriendelijkheid 0.3 x 1.5 = 0.45 -> 0.5 (in floats 0.3 * 1.5 = 0.44999999999999996 -> 0.4);
    #   website 0.1 x 1 = 0.1. snelheid and vriendelijkheid tie at exactly 0.45: by element.
    k = kpis()["survey.priorities"]
    assert k["value"] == [
        {"element": "bereikbaarheid", "rating": 6, "importance": 0.4, "priority": 1.6},
        {"element": "snelheid", "rating": 7.75, "importance": 0.2, "priority": 0.5},
        {"element": "vriendelijkheid", "rating": 8.5, "importance": 0.3, "priority": 0.5},
        {"element": "website", "rating": 9, "importance": 0.1, "priority": 0.1},
    ]
    assert k["n"] == 1


def test_red_threads_need_two_kinds_or_two_departments() -> None:
    # opzeggen: 3 complaints, 2 questions, 1 remark, 1 employee idea = 7; facturatie, klantenservice, verkoop
    # bereikbaarheid: complaint, survey, forum = 3 (one department, three kinds)
    # facturen: complaint, question, remark = 3; facturatie, klantenservice (tie with bereikbaarheid: by key)
    # website: question, remark = 2; ict
    # snelheid: 2 remarks, both operations: one kind, one department -> not a thread
    # n: 7 + 3 + 3 + 2 = 15 distinct signals behind the threads
    k = kpis()["threads.red_threads"]
    assert k["value"] == [
        {
            "theme": "opzeggen",
            "signals": 7,
            "kinds": ["complaint", "employee_idea", "question", "remark"],
            "departments": ["facturatie", "klantenservice", "verkoop"],
        },
        {
            "theme": "bereikbaarheid",
            "signals": 3,
            "kinds": ["complaint", "forum", "survey"],
            "departments": ["klantenservice"],
        },
        {
            "theme": "facturen",
            "signals": 3,
            "kinds": ["complaint", "question", "remark"],
            "departments": ["facturatie", "klantenservice"],
        },
        {"theme": "website", "signals": 2, "kinds": ["question", "remark"], "departments": ["ict"]},
    ]
    assert k["n"] == 15


# ---- improvements ----------------------------------------------------------------------------------
# implemented (local date in Q3, by 30 Sep):
#   I-0601 (created June) 07-15, accepted 06-10 09:00 -> 35.0 days, klantenservice + ict
#   I-0605 (created June) 2026-06-30T23:30Z = 07-01 01:30 local; accepted 06-08 09:00+02 -> 22.6875 days
#   I-0702 08-10, accepted 07-06 -> 35.0; I-0716 (cap) 08-05, accepted 07-20 -> 16.0, klantenservice + operations
#   I-0710 09-30 22:30, accepted 07-17 09:00 -> 75.5625, facturatie + ict; I-0715 08-01, accepted 07-16 -> 16.0
#   not: I-0720 (implemented 10-02, after the as-of date)


def test_improvement_kpis_count_by_the_implemented_date() -> None:
    k = kpis()
    assert k["improvements.implemented"] == kpi(6, "count", 6)
    assert k["improvements.cross_department_implemented"] == kpi(3, "count", 3)
    # sorted 16.0 16.0 22.6875 35.0 35.0 75.5625: median (22.6875 + 35.0) / 2 = 28.84375 -> 28.8
    assert k["improvements.median_lead_time_days"] == kpi(28.8, "days", 6)


def test_results_communicated_and_proposer_feedback() -> None:
    k = kpis()
    # created in Q3 and evaluated, or closed on the accepted path, as of 30 Sep: I-0702 (closed),
    # I-0716 (evaluated), I-0715 (evaluated; closed only on 10-06). I-0703 closed after a rejection: out.
    # communicated by 30 Sep: I-0702 (08-25); I-0715's date 10-05 is after as-of -> 1/3 = 33.3; min 50 -> not met
    assert k["improvements.results_communicated_pct"] == kpi(33.3, "pct", 3, {"min": 50}, False)
    # with a proposer and decided by 30 Sep: I-0702 accepted after 4.0 days, I-0703 rejected after 10.0,
    # I-0710 accepted after exactly 7.0 (<= 7). I-0801 was withdrawn; I-0805 is decided on 10-01.
    # 2 of 3 = 66.7
    assert k["improvements.proposer_feedback_within_norm_pct"] == kpi(66.7, "pct", 3)


# ---- the same period, later as-of dates ------------------------------------------------------------


def test_a_later_as_of_date_brings_in_the_later_events() -> None:
    v = values(as_of=dt.date(2026, 10, 31))
    # C-0930 now exists (first event 10-01): 11 registered
    assert v["compliments.registered"] == 11
    # C-0920 given 10-02 09:00, 12.0 days: 1.0 2.0 3.0 3.5 5.0 7.5 12.0 -> median 3.5; within 5 of 7 = 71.4
    assert v["compliments.median_days_to_given"] == 3.5
    assert v["compliments.given_within_norm_pct"] == 71.4
    # non-anonymous given: 6 (+C-0920); informed: 4 (+C-0705 on 10-03) -> 66.7
    assert v["compliments.maker_informed_pct"] == 66.7
    # open before given: C-0901, C-0927 (34 days), C-0930 (30 days) -> 3
    assert v["compliments.open_overdue"] == 3
    # acknowledged +S-0925 (6.0 days): 3 of 5 within -> 60.0; resolved +S-0905 (30.0): 2 of 4 -> 50.0
    assert v["complaints.acknowledged_within_norm_pct"] == 60.0
    assert v["complaints.resolved_within_norm_pct"] == 50.0
    # median of 6, 10, 14, 30 = (10 + 14) / 2 = 12.0
    assert v["complaints.median_days_to_resolve"] == 12.0
    # I-0720 implemented on 10-02 is outside Q3: still 6
    assert v["improvements.implemented"] == 6
    # I-0715's result was communicated on 10-05: 2 of 3 = 66.7
    assert v["improvements.results_communicated_pct"] == 66.7
    # I-0805 decided on 10-01 after 57 days: 2 of 4 = 50.0
    assert v["improvements.proposer_feedback_within_norm_pct"] == 50.0


def test_an_earlier_as_of_date_hides_records_not_yet_registered() -> None:
    # As of 31 July: compliments C-0701 .. C-0720 exist (5); given: 2.0, 5.0, 7.5, 1.0 -> median 3.5
    v = values(as_of=dt.date(2026, 7, 31))
    assert v["compliments.registered"] == 5
    assert v["compliments.median_days_to_given"] == 3.5
    # implemented by 31 July, local date in Q3: I-0601 (07-15) and I-0605 (07-01 local) -> 2, median 28.8
    assert v["improvements.implemented"] == 2
    assert v["improvements.median_lead_time_days"] == 28.8


def test_implemented_counts_by_local_date_of_the_event() -> None:
    # June: I-0605's implemented event is 2026-06-30T23:30Z = 1 July in Amsterdam, so not June
    assert values(period="2026-06")["improvements.implemented"] == 0
    # July: I-0601 (07-15) and I-0605 (07-01 local)
    july = values(period="2026-07")
    assert (july["improvements.implemented"], july["improvements.cross_department_implemented"]) == (2, 1)
    # August: I-0702 (lead 35.0), I-0716 (16.0), I-0715 (16.0) -> median 16.0; cross: I-0716
    august = values(period="2026-08")
    assert august["improvements.implemented"] == 3
    assert august["improvements.cross_department_implemented"] == 1
    assert august["improvements.median_lead_time_days"] == 16.0


def test_an_empty_period_gives_zero_counts_and_null_rates() -> None:
    k = kpis(period="2025")
    assert {i: v["value"] for i, v in k.items()} == {
        "compliments.registered": 0,
        "compliments.median_days_to_given": None,
        "compliments.given_within_norm_pct": None,
        "compliments.maker_informed_pct": None,
        "compliments.open_overdue": 0,
        "compliments.caps": 0,
        "complaints.received": 0,
        "complaints.acknowledged_within_norm_pct": None,
        "complaints.resolved_within_norm_pct": None,
        "complaints.median_days_to_resolve": None,
        "complaints.handling_satisfaction_avg": None,
        "signals.by_kind": {},
        "signals.by_channel": {},
        "questions.top_topics": None,
        "customers.top20_share_pct": None,
        "survey.priorities": None,
        "threads.red_threads": None,  # no signals: null, as top_topics and priorities
        "improvements.implemented": 0,
        "improvements.cross_department_implemented": 0,
        "improvements.median_lead_time_days": None,
        "improvements.results_communicated_pct": None,
        "improvements.proposer_feedback_within_norm_pct": None,
    }
    # a target with no value is neither met nor missed
    assert k["compliments.given_within_norm_pct"]["met"] is None
    assert all(v["n"] == 0 for v in k.values())
