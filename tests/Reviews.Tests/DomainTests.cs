using DaprPlatform.Reviews.Domain;
using DaprPlatform.Reviews.Features;

namespace DaprPlatform.Reviews.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Student = Guid.NewGuid();
    private static readonly Guid Tutor = Guid.NewGuid();

    private static ReviewableBooking Completed()
    {
        var booking = ReviewableBooking.From(new BookingFacts(Guid.NewGuid(), Student, "Stu", Tutor, "Tu", "Algebra"));
        booking.Complete(Now.AddHours(-1));
        return booking;
    }

    private static Review Posted(int rating = 4, string? comment = "Good") => Review.Post(Guid.NewGuid(), Completed(), rating, comment, Now);

    [Fact]
    public void A_posted_review_is_visible_at_version_1_with_the_bookings_names()
    {
        var review = Posted();

        review.State.Should().Be(ReviewState.Visible);
        review.Version.Should().Be(1);
        review.StudentId.Should().Be(Student);
        review.TutorId.Should().Be(Tutor);
        review.Subject.Should().Be("Algebra");
        review.EditableUntil.Should().Be(Now.AddDays(7));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void Ratings_outside_1_to_5_are_refused(int rating) =>
        FluentActions.Invoking(() => Posted(rating)).Should().Throw<ArgumentOutOfRangeException>();

    [Fact]
    public void Only_a_completed_booking_that_was_not_cancelled_can_be_reviewed()
    {
        var never = ReviewableBooking.From(new BookingFacts(Guid.NewGuid(), Student, "Stu", Tutor, "Tu", "Algebra"));
        var cancelled = Completed();
        cancelled.Cancel(Now);

        never.IsReviewable.Should().BeFalse();
        cancelled.IsReviewable.Should().BeFalse();
        FluentActions.Invoking(() => Review.Post(Guid.NewGuid(), cancelled, 5, null, Now)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_cancellation_before_the_completion_arrives_still_wins()
    {
        var booking = ReviewableBooking.From(new BookingFacts(Guid.NewGuid(), Student, "Stu", Tutor, "Tu", "Algebra"));

        booking.Cancel(Now).Should().BeTrue();
        booking.Complete(Now.AddMinutes(-5)).Should().BeTrue();
        booking.Complete(Now).Should().BeFalse();

        booking.IsReviewable.Should().BeFalse();
    }

    [Fact]
    public void Edits_grow_the_version_until_the_seven_days_are_over()
    {
        var review = Posted();

        review.Edit(5, "Better", Now.AddDays(1)).Should().BeTrue();
        review.Edit(5, "Better", Now.AddDays(2)).Should().BeFalse("nothing changed");
        review.Edit(3, "Better", Now.AddDays(7)).Should().BeTrue("the last instant of the window still counts");
        review.Version.Should().Be(3);

        var late = FluentActions.Invoking(() => review.Edit(1, null, Now.AddDays(7).AddTicks(1))).Should().Throw<ReviewRuleException>().Which;
        late.Rule.Should().Be(ReviewRule.EditWindowClosed);
        review.Rating.Should().Be(3);
        review.Version.Should().Be(3);
    }

    [Fact]
    public void The_tutor_replies_once_and_a_reply_is_not_a_new_version()
    {
        var review = Posted();

        review.Reply("Thanks!", Now);

        review.ReplyText.Should().Be("Thanks!");
        review.Version.Should().Be(1);
        FluentActions.Invoking(() => review.Reply("Again", Now)).Should().Throw<ReviewRuleException>().Which.Rule.Should().Be(ReviewRule.AlreadyReplied);
    }

    [Fact]
    public void Three_flags_from_different_users_hide_a_review_once()
    {
        var review = Posted();
        var flaggers = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };

        review.Flag(flaggers[0], FlagReason.Spam, null, Now).Should().BeFalse();
        review.Flag(flaggers[1], FlagReason.Offensive, null, Now).Should().BeFalse();
        FluentActions.Invoking(() => review.Flag(flaggers[1], FlagReason.Spam, null, Now)).Should().Throw<ReviewRuleException>()
            .Which.Rule.Should().Be(ReviewRule.AlreadyFlagged);
        review.State.Should().Be(ReviewState.Visible, "the same user's second flag does not count");

        review.Flag(flaggers[2], FlagReason.Other, "fake", Now).Should().BeTrue();
        review.State.Should().Be(ReviewState.Hidden);
        review.Version.Should().Be(2);

        review.Flag(flaggers[3], FlagReason.Spam, null, Now).Should().BeFalse("a hidden review is not hidden again");
        review.Version.Should().Be(2);
    }

    [Fact]
    public void A_restore_settles_the_flags_so_only_new_ones_hide_it_again()
    {
        var review = Posted();
        for (var i = 0; i < Review.FlagsToHide; i++)
        {
            review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now);
        }

        review.Restore(Now).Should().BeTrue();
        review.State.Should().Be(ReviewState.Visible);
        review.OpenFlagCount.Should().Be(0);
        review.Restore(Now).Should().BeFalse();

        review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now).Should().BeFalse();
        review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now).Should().BeFalse();
        review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now).Should().BeTrue();
        review.Version.Should().Be(4, "posted 1, hidden 2, restored 3, hidden again 4");
    }

    [Fact]
    public void An_edit_of_a_hidden_review_keeps_it_hidden()
    {
        var review = Posted();
        review.Hide(Now);

        review.Edit(1, "Changed my mind", Now.AddDays(1)).Should().BeTrue();

        review.State.Should().Be(ReviewState.Hidden);
        review.Version.Should().Be(3);
    }

    [Fact]
    public void A_moderator_hides_and_repeating_it_changes_nothing()
    {
        var review = Posted();
        review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now);

        review.Hide(Now).Should().BeTrue();
        review.Hide(Now).Should().BeFalse();

        review.State.Should().Be(ReviewState.Hidden);
        review.OpenFlagCount.Should().Be(0);
        review.Version.Should().Be(2);
    }

    [Fact]
    public void A_deleted_review_is_a_tombstone_nothing_else_touches()
    {
        var review = Posted();

        review.Delete(Now).Should().BeTrue();
        review.Delete(Now).Should().BeFalse();

        review.Version.Should().Be(2);
        FluentActions.Invoking(() => review.Edit(1, null, Now)).Should().Throw<ReviewRuleException>().Which.Rule.Should().Be(ReviewRule.Deleted);
        FluentActions.Invoking(() => review.Restore(Now)).Should().Throw<ReviewRuleException>();
        FluentActions.Invoking(() => review.Hide(Now)).Should().Throw<ReviewRuleException>();
        FluentActions.Invoking(() => review.Reply("x", Now)).Should().Throw<ReviewRuleException>();
        FluentActions.Invoking(() => review.Flag(Guid.NewGuid(), FlagReason.Spam, null, Now)).Should().Throw<ReviewRuleException>();
    }

    [Fact]
    public void The_rating_summary_rounds_to_one_decimal_and_counts_each_star()
    {
        var summary = RatingSummary.From(new Dictionary<int, int> { [5] = 2, [4] = 1 });

        summary.Average.Should().Be(4.7m);
        summary.Count.Should().Be(3);
        summary.Distribution.Should().Equal(new Dictionary<int, int> { [1] = 0, [2] = 0, [3] = 0, [4] = 1, [5] = 2 });
        RatingSummary.From(new Dictionary<int, int> { [4] = 1, [5] = 1 }).Average.Should().Be(4.5m);
        RatingSummary.From(new Dictionary<int, int> { [1] = 1, [2] = 1, [5] = 2 }).Average.Should().Be(3.3m);
        RatingSummary.From(new Dictionary<int, int> { [1] = 5, [2] = 3 }).Average.Should().Be(1.4m, "11/8 = 1.375");
        RatingSummary.From(new Dictionary<int, int> { [3] = 1, [4] = 1, [5] = 6 }).Average.Should().Be(4.6m, "37/8 = 4.625");
    }

    [Fact]
    public void No_reviews_have_no_average()
    {
        var summary = RatingSummary.From(new Dictionary<int, int>());

        summary.Average.Should().BeNull();
        summary.Count.Should().Be(0);
        summary.Distribution.Values.Should().AllBeEquivalentTo(0);
    }

    [Fact]
    public void Flag_reasons_have_one_spelling_each()
    {
        FlagReasonNames.TryParseWireName("offTopic", out var reason).Should().BeTrue();
        reason.Should().Be(FlagReason.OffTopic);
        FlagReasonNames.TryParseWireName("OffTopic", out _).Should().BeFalse();
        FlagReasonNames.TryParseWireName("spam ", out _).Should().BeFalse();
        FlagReasonNames.WireNames.Should().BeEquivalentTo(["spam", "offensive", "offTopic", "falseInformation", "personalInformation", "other"]);
    }

    [Fact]
    public void Cursors_round_trip_and_refuse_another_sort_or_garbage()
    {
        var cursor = new ReviewCursor(ReviewOrder.Helpful, 3, Now, Guid.NewGuid());

        ReviewCursor.TryDecode(cursor.Encode(), ReviewOrder.Helpful).Should().Be(cursor);
        ReviewCursor.TryDecode(cursor.Encode(), ReviewOrder.Newest).Should().BeNull();
        ReviewCursor.TryDecode("not a cursor!", ReviewOrder.Newest).Should().BeNull();
        ReviewCursor.TryDecode("bnwxfDF8eA", ReviewOrder.Newest).Should().BeNull();
    }
}
