"""Best posting slots: engagement per post by hour of the week, compared with the channel's own mean.

A slot's rate is shrunk towards the channel's mean by PRIOR_POSTS imaginary posts at the mean (empirical Bayes), so one
lucky post in a quiet hour does not top the list; the expected lift is that shrunk rate against the mean.
Engagement counted is what the posting hour itself recorded (as analytics' insights do for hours of the day).
"""

from __future__ import annotations

from dataclasses import dataclass

HOURS_PER_WEEK = 168
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MIN_TOTAL_POSTS = 10
MIN_POSTS_PER_SLOT = 2
MIN_RANKED_SLOTS = 3
PRIOR_POSTS = 3.0
MAX_TOP = 24


class NotEnoughData(ValueError):
    """Too little posting history to rank slots; the message says what is missing."""


@dataclass(frozen=True)
class HourOfWeekEngagement:
    hour_of_week: int
    posts: int
    engagement: float


@dataclass(frozen=True)
class PostingSlot:
    day_of_week: str
    hour: int
    hour_of_week: int
    posts: int
    engagement_per_post: float
    expected_lift: float


@dataclass(frozen=True)
class BestTimes:
    slots: list[PostingSlot]
    mean_engagement_per_post: float
    total_posts: int


def best_times(rows: list[HourOfWeekEngagement], top: int) -> BestTimes:
    """The `top` slots with the highest expected lift (fewer when fewer qualify). Raises NotEnoughData."""
    posts = [0] * HOURS_PER_WEEK
    engagement = [0.0] * HOURS_PER_WEEK
    for row in rows:
        if row.posts == 0:
            continue  # engagement of an hour without a post belongs to earlier posts: it says nothing about posting then
        posts[row.hour_of_week] += row.posts
        engagement[row.hour_of_week] += row.engagement

    total_posts = sum(posts)
    if total_posts < MIN_TOTAL_POSTS:
        raise NotEnoughData(f"At least {MIN_TOTAL_POSTS} posts are needed; the history holds {total_posts}.")
    ranked_hours = [h for h in range(HOURS_PER_WEEK) if posts[h] >= MIN_POSTS_PER_SLOT]
    if len(ranked_hours) < MIN_RANKED_SLOTS:
        raise NotEnoughData(
            f"At least {MIN_RANKED_SLOTS} hours of the week with {MIN_POSTS_PER_SLOT} or more posts each are needed; "
            f"the history has {len(ranked_hours)}.")
    mean = sum(engagement) / total_posts
    if mean <= 0:
        raise NotEnoughData("The history records no engagement on any post; there is nothing to compare hours by.")

    def slot(h: int) -> PostingSlot:
        shrunk = (engagement[h] + PRIOR_POSTS * mean) / (posts[h] + PRIOR_POSTS)
        return PostingSlot(DAYS[h // 24], h % 24, h, posts[h], engagement[h] / posts[h], shrunk / mean - 1.0)

    slots = sorted((slot(h) for h in ranked_hours), key=lambda s: (-s.expected_lift, s.hour_of_week))
    return BestTimes(slots[:top], mean, total_posts)
