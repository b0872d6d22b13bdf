import numpy as np
import pytest

from domain.best_time import (HourOfWeekEngagement, MIN_POSTS_PER_SLOT, MIN_RANKED_SLOTS, MIN_TOTAL_POSTS,
                              NotEnoughData, best_times)

PLANTED = {  # hour of week → views per post: Tuesday 18:00, Thursday 09:00, Saturday 11:00 do best, in this order
    24 + 18: 900.0,
    3 * 24 + 9: 700.0,
    5 * 24 + 11: 600.0,
}


def four_weeks_of_posts(seed: int = 18) -> list[HourOfWeekEngagement]:
    """Posts at 20 hours of the week for four weeks; ordinary hours earn ~300 views per post, the planted ones more."""
    rng = np.random.default_rng(seed)
    hours = list(PLANTED) + [d * 24 + h for d in range(7) for h in (8, 12, 20)][:17]
    rows = []
    for _week in range(4):
        for hour in hours:
            rate = PLANTED.get(hour, 300.0)
            rows.append(HourOfWeekEngagement(hour, 1, max(0.0, rng.normal(rate, 40.0))))
    return rows


def test_finds_the_planted_best_hours_in_order():
    result = best_times(four_weeks_of_posts(), top=3)
    assert [(s.day_of_week, s.hour) for s in result.slots] == [("tuesday", 18), ("thursday", 9), ("saturday", 11)]
    assert [s.hour_of_week for s in result.slots] == list(PLANTED)
    assert all(s.posts == 4 for s in result.slots)


def test_lift_is_against_the_channel_mean_per_post_and_shrunk_towards_it():
    result = best_times(four_weeks_of_posts(), top=1)
    best = result.slots[0]
    raw_lift = best.engagement_per_post / result.mean_engagement_per_post - 1
    assert 0 < best.expected_lift < raw_lift
    assert result.total_posts == 80


def test_one_lucky_post_does_not_beat_a_slot_that_is_good_week_after_week():
    rows = four_weeks_of_posts()
    rows.append(HourOfWeekEngagement(6 * 24 + 3, 1, 2000.0))  # Sunday 03:00, once: too few posts to be ranked
    rows.append(HourOfWeekEngagement(6 * 24 + 4, 2, 2000.0))  # Sunday 04:00, twice: more per post than Tuesday 18:00's 900
    result = best_times(rows, top=3)
    assert (6 * 24 + 3) not in [s.hour_of_week for s in result.slots]
    # Two posts weigh less than four: shrunk towards the mean, Sunday 04:00 ranks below Tuesday 18:00 though its raw rate is higher.
    sunday = next(s for s in result.slots if s.hour_of_week == 6 * 24 + 4)
    assert result.slots[0].hour_of_week == 24 + 18
    assert sunday.engagement_per_post > result.slots[0].engagement_per_post


def test_rows_for_the_same_hour_add_up():
    rows = [HourOfWeekEngagement(h, 1, 100.0 * (h + 1)) for h in range(5) for _ in range(3)]
    result = best_times(rows, top=5)
    assert [s.hour_of_week for s in result.slots] == [4, 3, 2, 1, 0]
    assert all(s.posts == 3 for s in result.slots)


def test_hours_without_posts_count_for_nothing():
    rows = four_weeks_of_posts() + [HourOfWeekEngagement(h, 0, 5000.0) for h in range(168)]
    assert best_times(rows, top=3) == best_times(four_weeks_of_posts(), top=3)


def test_top_beyond_the_ranked_slots_answers_the_ranked_ones():
    rows = [HourOfWeekEngagement(h, 4, 100.0 + h) for h in range(3)]
    assert len(best_times(rows, top=10).slots) == 3


@pytest.mark.parametrize("rows, says", [
    ([HourOfWeekEngagement(h, 1, 10.0) for h in range(MIN_TOTAL_POSTS - 1)], f"At least {MIN_TOTAL_POSTS} posts"),
    ([HourOfWeekEngagement(h, 1, 10.0) for h in range(40)], f"{MIN_POSTS_PER_SLOT} or more posts"),
    ([HourOfWeekEngagement(h, 10, 10.0) for h in range(MIN_RANKED_SLOTS - 1)], f"At least {MIN_RANKED_SLOTS} hours"),
    ([HourOfWeekEngagement(h, 5, 0.0) for h in range(5)], "no engagement"),
    ([], "At least"),
])
def test_too_little_history_says_what_is_needed(rows, says):
    with pytest.raises(NotEnoughData, match=says):
        best_times(rows, top=3)
