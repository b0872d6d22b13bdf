using DaprPlatform.Booking.Domain;
using DaprPlatform.Monetary;

namespace DaprPlatform.Booking.Tests;

using BookingAggregate = DaprPlatform.Booking.Domain.Booking;
using MoneyAmount = Money;

/// <summary>The booking state machine: every legal transition, every illegal one, and repeats as no-ops.</summary>
public sealed class BookingStateMachineTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = Start.AddDays(-3);
    private static readonly Guid PaymentId = Guid.Parse("6f1c0a7e-2b1d-4a8e-9a52-0c4e2b9d1f00");

    public static BookingAggregate NewBooking(Guid? studentId = null, Guid? tutorId = null, DateTimeOffset? start = null, int minutes = 60, long price = 4500) =>
        BookingAggregate.Request(new BookingSnapshot(
            Guid.NewGuid(), "booking-x", studentId ?? Guid.NewGuid(), "Stu", tutorId ?? Guid.NewGuid(), "Tu", "Algebra",
            start ?? Start, (start ?? Start).AddMinutes(minutes), new MoneyAmount(price, Currency.Usd)), Created);

    /// <summary>A booking brought to <paramref name="status"/> along the legal path.</summary>
    public static BookingAggregate In(BookingStatus status, DateTimeOffset? start = null, Guid? studentId = null, Guid? tutorId = null)
    {
        var booking = NewBooking(studentId, tutorId, start);
        var at = Created.AddMinutes(1);
        switch (status)
        {
            case BookingStatus.Pending:
                break;
            case BookingStatus.AwaitingPayment:
                booking.AwaitPayment(PaymentId, "pi_1", at);
                break;
            case BookingStatus.Confirmed:
                booking.AwaitPayment(PaymentId, "pi_1", at);
                booking.Confirm(at);
                break;
            case BookingStatus.Completed:
                booking.AwaitPayment(PaymentId, "pi_1", at);
                booking.Confirm(at);
                booking.Complete(booking.End);
                break;
            case BookingStatus.Cancelled:
                booking.Cancel("payment failed", null, at);
                break;
            case BookingStatus.Refunded:
                booking.AwaitPayment(PaymentId, "pi_1", at);
                booking.Confirm(at);
                booking.Cancel("student cancelled", new MoneyAmount(2250, Currency.Usd), at);
                break;
        }

        booking.Status.Should().Be(status);
        return booking;
    }

    private static readonly Dictionary<string, Func<BookingAggregate, bool>> Transitions = new(StringComparer.Ordinal)
    {
        ["awaitPayment"] = b => b.AwaitPayment(PaymentId, "pi_1", Start.AddHours(-30)),
        ["confirm"] = b => b.Confirm(Start.AddHours(-30)),
        ["cancel"] = b => b.Cancel("payment failed", null, Start.AddHours(-30)),
        ["refund"] = b => b.Cancel("student cancelled", new MoneyAmount(2250, Currency.Usd), Start.AddHours(-30)),
        ["complete"] = b => b.Complete(b.End.AddMinutes(1)),
    };

    public static TheoryData<BookingStatus, string, BookingStatus?> Table() => new()
    {
        // from, transition, resulting status (null: illegal → IllegalBookingTransitionException)
        { BookingStatus.Pending, "awaitPayment", BookingStatus.AwaitingPayment },
        { BookingStatus.Pending, "confirm", null },
        { BookingStatus.Pending, "cancel", BookingStatus.Cancelled },
        { BookingStatus.Pending, "refund", null },
        { BookingStatus.Pending, "complete", null },
        { BookingStatus.AwaitingPayment, "awaitPayment", BookingStatus.AwaitingPayment },
        { BookingStatus.AwaitingPayment, "confirm", BookingStatus.Confirmed },
        { BookingStatus.AwaitingPayment, "cancel", BookingStatus.Cancelled },
        { BookingStatus.AwaitingPayment, "refund", BookingStatus.Cancelled },
        { BookingStatus.AwaitingPayment, "complete", null },
        { BookingStatus.Confirmed, "awaitPayment", null },
        { BookingStatus.Confirmed, "confirm", BookingStatus.Confirmed },
        { BookingStatus.Confirmed, "cancel", BookingStatus.Cancelled },
        { BookingStatus.Confirmed, "refund", BookingStatus.Refunded },
        { BookingStatus.Confirmed, "complete", BookingStatus.Completed },
        { BookingStatus.Completed, "awaitPayment", null },
        { BookingStatus.Completed, "confirm", null },
        { BookingStatus.Completed, "cancel", null },
        { BookingStatus.Completed, "refund", null },
        { BookingStatus.Completed, "complete", BookingStatus.Completed },
        { BookingStatus.Cancelled, "awaitPayment", null },
        { BookingStatus.Cancelled, "confirm", null },
        { BookingStatus.Cancelled, "cancel", BookingStatus.Cancelled },
        { BookingStatus.Cancelled, "refund", null },
        { BookingStatus.Cancelled, "complete", null },
        { BookingStatus.Refunded, "awaitPayment", null },
        { BookingStatus.Refunded, "confirm", null },
        { BookingStatus.Refunded, "cancel", null },
        { BookingStatus.Refunded, "refund", BookingStatus.Refunded },
        { BookingStatus.Refunded, "complete", null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_transition_from_every_state(BookingStatus from, string transition, BookingStatus? expected)
    {
        var booking = In(from);
        var updatedBefore = booking.UpdatedAt;

        var apply = () => Transitions[transition](booking);

        if (expected is null)
        {
            apply.Should().Throw<IllegalBookingTransitionException>().Which.Current.Should().Be(from);
            booking.Status.Should().Be(from, "an illegal transition changes nothing");
            booking.UpdatedAt.Should().Be(updatedBefore);
            return;
        }

        var changed = apply();
        booking.Status.Should().Be(expected.Value);
        // Repeating the transition that produced the current state is the only no-op.
        changed.Should().Be(from != expected.Value);
        if (!changed)
        {
            booking.UpdatedAt.Should().Be(updatedBefore);
        }
    }

    [Fact]
    public void A_new_booking_is_pending_with_the_snapshot_copied()
    {
        var studentId = Guid.NewGuid();
        var booking = NewBooking(studentId: studentId, minutes: 90, price: 6750);

        booking.Status.Should().Be(BookingStatus.Pending);
        booking.StudentId.Should().Be(studentId);
        booking.DurationMinutes.Should().Be(90);
        booking.Price.Should().Be(new MoneyAmount(6750, Currency.Usd));
        booking.Refund.Should().BeNull();
        booking.CreatedAt.Should().Be(Created);
    }

    [Fact]
    public void Awaiting_a_different_payment_is_illegal()
    {
        var booking = In(BookingStatus.AwaitingPayment);

        var other = () => booking.AwaitPayment(Guid.NewGuid(), "pi_2", Start);

        other.Should().Throw<IllegalBookingTransitionException>();
        booking.PaymentId.Should().Be(PaymentId);
        booking.PaymentIntentId.Should().Be("pi_1");
    }

    [Fact]
    public void Completing_before_the_session_ends_is_illegal()
    {
        var booking = In(BookingStatus.Confirmed);

        var early = () => booking.Complete(booking.End.AddTicks(-1));

        early.Should().Throw<IllegalBookingTransitionException>().WithMessage("*ends at*");
        booking.Status.Should().Be(BookingStatus.Confirmed);
        booking.Complete(booking.End).Should().BeTrue("exactly at the end the session is over");
    }

    [Theory]
    [InlineData("other reason", 0)]
    [InlineData("payment failed", 100)]
    public void Cancelling_again_differently_is_illegal(string reason, long refund)
    {
        var booking = In(BookingStatus.Cancelled);

        var again = () => booking.Cancel(reason, refund == 0 ? null : new MoneyAmount(refund, Currency.Usd), Start);

        again.Should().Throw<IllegalBookingTransitionException>();
        booking.CancellationReason.Should().Be("payment failed");
    }

    [Fact]
    public void A_zero_refund_cancels_a_confirmed_booking_without_refunding()
    {
        var booking = In(BookingStatus.Confirmed);

        booking.Cancel("late", MoneyAmount.Zero(Currency.Usd), Start).Should().BeTrue();

        booking.Status.Should().Be(BookingStatus.Cancelled);
        booking.Refund.Should().BeNull();
        booking.Cancel("late", null, Start).Should().BeFalse("zero and no refund are the same cancellation");
    }

    [Theory]
    [InlineData(4501, "USD")]
    [InlineData(-1, "USD")]
    [InlineData(100, "EUR")]
    public void Refunds_must_be_within_the_price_and_in_its_currency(long amount, string currency)
    {
        var booking = In(BookingStatus.Confirmed);

        var cancel = () => booking.Cancel("x", new MoneyAmount(amount, Currency.Parse(currency)), Start);

        cancel.Should().Throw<IllegalBookingTransitionException>();
        booking.Status.Should().Be(BookingStatus.Confirmed);
    }

    [Fact]
    public void Refunding_the_whole_price_is_allowed()
    {
        var booking = In(BookingStatus.Confirmed);

        booking.Cancel("tutor ill", new MoneyAmount(4500, Currency.Usd), Start).Should().BeTrue();

        booking.Status.Should().Be(BookingStatus.Refunded);
        booking.Refund.Should().Be(new MoneyAmount(4500, Currency.Usd));
    }

    [Theory]
    [InlineData(BookingStatus.Pending, "pending")]
    [InlineData(BookingStatus.AwaitingPayment, "awaitingPayment")]
    [InlineData(BookingStatus.Confirmed, "confirmed")]
    [InlineData(BookingStatus.Completed, "completed")]
    [InlineData(BookingStatus.Cancelled, "cancelled")]
    [InlineData(BookingStatus.Refunded, "refunded")]
    public void Status_wire_names_round_trip(BookingStatus status, string name)
    {
        status.ToWireName().Should().Be(name);
        BookingStatusNames.TryParseWireName(name, out var parsed).Should().BeTrue();
        parsed.Should().Be(status);
        BookingStatusNames.TryParseWireName(name.ToUpperInvariant(), out _).Should().BeFalse();
    }
}

public sealed class BookingConflictCheckerTests
{
    private static readonly DateTimeOffset Ten = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    // other start (minutes from 10:00), other length, other status, shares student, shares tutor, conflict? (candidate: 10:00–11:00)
    [InlineData(0, 60, BookingStatus.Confirmed, false, true, true)]
    [InlineData(30, 60, BookingStatus.Confirmed, false, true, true)]
    [InlineData(-30, 60, BookingStatus.Completed, true, false, true)]
    [InlineData(15, 15, BookingStatus.Confirmed, true, false, true)]
    [InlineData(-60, 180, BookingStatus.Confirmed, false, true, true)]
    [InlineData(60, 60, BookingStatus.Confirmed, true, true, false)]
    [InlineData(-60, 60, BookingStatus.Completed, true, true, false)]
    [InlineData(0, 60, BookingStatus.Pending, true, true, false)]
    [InlineData(0, 60, BookingStatus.AwaitingPayment, true, true, false)]
    [InlineData(0, 60, BookingStatus.Cancelled, true, true, false)]
    [InlineData(0, 60, BookingStatus.Refunded, true, true, false)]
    [InlineData(0, 60, BookingStatus.Confirmed, false, false, false)]
    public void Overlap_rules(int offsetMinutes, int minutes, BookingStatus status, bool sameStudent, bool sameTutor, bool conflict)
    {
        var studentId = Guid.NewGuid();
        var tutorId = Guid.NewGuid();
        var candidate = BookingStateMachineTests.In(BookingStatus.AwaitingPayment, Ten, studentId, tutorId);
        var other = Other(Ten.AddMinutes(offsetMinutes), minutes, status, sameStudent ? studentId : Guid.NewGuid(), sameTutor ? tutorId : Guid.NewGuid());

        var found = BookingConflictChecker.FindConflict(candidate, [other]);

        if (conflict)
        {
            found.Should().BeSameAs(other);
        }
        else
        {
            found.Should().BeNull();
        }
    }

    [Fact]
    public void A_booking_never_conflicts_with_itself()
    {
        var booking = BookingStateMachineTests.In(BookingStatus.Confirmed, Ten);

        BookingConflictChecker.FindConflict(booking, [booking]).Should().BeNull();
    }

    private static BookingAggregate Other(DateTimeOffset start, int minutes, BookingStatus status, Guid studentId, Guid tutorId)
    {
        var created = start.AddDays(-2);
        var other = BookingAggregate.Request(new BookingSnapshot(
            Guid.NewGuid(), "booking-y", studentId, "Stu", tutorId, "Tu", "Algebra", start, start.AddMinutes(minutes),
            new MoneyAmount(4500, Currency.Usd)), created);
        if (status is BookingStatus.Cancelled)
        {
            other.Cancel("x", null, created);
            return other;
        }

        if (status is BookingStatus.Pending)
        {
            return other;
        }

        other.AwaitPayment(Guid.NewGuid(), "pi_y", created);
        if (status is BookingStatus.AwaitingPayment)
        {
            return other;
        }

        other.Confirm(created);
        if (status is BookingStatus.Completed)
        {
            other.Complete(other.End);
        }
        else if (status is BookingStatus.Refunded)
        {
            other.Cancel("x", new MoneyAmount(1, Currency.Usd), created);
        }

        other.Status.Should().Be(status);
        return other;
    }
}

public sealed class RefundCalculatorTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly RefundCalculator Policy = new(new RefundPolicyOptions());

    public static TheoryData<string, long, int> Boundaries() => new()
    {
        // time before start (TimeSpan text, or "-…" after the start), refund of 4500 cents, percent
        { "2.00:00:00", 4500, 100 },
        { "1.00:00:00", 4500, 100 },
        { "23:59:59.9999999", 2250, 50 },
        { "02:00:00", 2250, 50 },
        { "01:59:59.9999999", 0, 0 },
        { "00:00:00", 0, 0 },
        { "-00:30:00", 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Windows_include_their_boundary(string before, long refund, int percent)
    {
        var at = Start - TimeSpan.Parse(before, System.Globalization.CultureInfo.InvariantCulture);

        var quote = Policy.Quote(new MoneyAmount(4500, Currency.Usd), Start, at, CancellationRequester.Student);

        quote.Refund.Should().Be(new MoneyAmount(refund, Currency.Usd));
        quote.Percent.Should().Be(percent);
        quote.HoursBeforeStart.Should().Be((Start - at).TotalHours);
    }

    [Theory]
    [InlineData(4501, "USD", 2250)] // 22.505 → 22.50: round down to a whole cent
    [InlineData(999, "USD", 499)]
    [InlineData(4999, "JPY", 2499)] // zero-decimal: 2499.5 yen → 2499
    [InlineData(1, "JPY", 0)]
    [InlineData(12345, "KWD", 6172)]
    public void Partial_refunds_round_down_to_a_whole_minor_unit(long price, string currency, long expected)
    {
        var quote = Policy.Quote(new MoneyAmount(price, Currency.Parse(currency)), Start, Start.AddHours(-3), CancellationRequester.Student);

        quote.Refund.Should().Be(new MoneyAmount(expected, Currency.Parse(currency)));
    }

    [Theory]
    [InlineData("3.00:00:00")]
    [InlineData("03:00:00")]
    [InlineData("00:10:00")]
    [InlineData("-01:00:00")]
    public void A_tutor_cancelling_refunds_everything(string before)
    {
        var at = Start - TimeSpan.Parse(before, System.Globalization.CultureInfo.InvariantCulture);

        var quote = Policy.Quote(new MoneyAmount(4999, Currency.Jpy), Start, at, CancellationRequester.Tutor);

        quote.Refund.Should().Be(new MoneyAmount(4999, Currency.Jpy));
        quote.Percent.Should().Be(100);
    }

    [Fact]
    public void The_policy_comes_from_options()
    {
        var strict = new RefundCalculator(new RefundPolicyOptions { FullRefundHours = 48, PartialRefundHours = 12, PartialRefundPercent = 25 });

        strict.Quote(new MoneyAmount(1000, Currency.Usd), Start, Start.AddHours(-47), CancellationRequester.Student).Percent.Should().Be(25);
        strict.Quote(new MoneyAmount(1000, Currency.Usd), Start, Start.AddHours(-12), CancellationRequester.Student).Refund.MinorUnits.Should().Be(250);
        strict.Quote(new MoneyAmount(1000, Currency.Usd), Start, Start.AddHours(-11), CancellationRequester.Student).Percent.Should().Be(0);
        strict.Quote(new MoneyAmount(1000, Currency.Usd), Start, Start.AddHours(-48), CancellationRequester.Student).Percent.Should().Be(100);
    }

    [Theory]
    [InlineData(24, 2, 50, true)]
    [InlineData(2, 2, 0, true)]
    [InlineData(2, 24, 50, false)]
    [InlineData(24, -1, 50, false)]
    [InlineData(24, 2, 101, false)]
    [InlineData(24, 2, -1, false)]
    public void Options_validation(double full, double partial, int percent, bool valid) =>
        new RefundPolicyOptions { FullRefundHours = full, PartialRefundHours = partial, PartialRefundPercent = percent }.IsValid().Should().Be(valid);
}

public sealed class BookingRequestIdTests
{
    [Fact]
    public void Same_student_and_key_give_the_same_id()
    {
        var student = Guid.NewGuid();

        BookingRequestId.FromIdempotencyKey(student, "key-1").Should().Be(BookingRequestId.FromIdempotencyKey(student, "key-1"));
    }

    [Fact]
    public void Another_key_or_another_student_gives_another_id()
    {
        var student = Guid.NewGuid();
        var id = BookingRequestId.FromIdempotencyKey(student, "key-1");

        BookingRequestId.FromIdempotencyKey(student, "key-2").Should().NotBe(id);
        BookingRequestId.FromIdempotencyKey(Guid.NewGuid(), "key-1").Should().NotBe(id);
        BookingRequestId.FromIdempotencyKey(student, "KEY-1").Should().NotBe(id, "keys are compared exactly");
    }

    [Fact]
    public void Ids_are_version_8_with_the_RFC_variant()
    {
        var text = BookingRequestId.FromIdempotencyKey(Guid.Parse("11111111-2222-3333-4444-555555555555"), "abc").ToString("D");

        text[14].Should().Be('8', "the version nibble of {0}", text);
        text[19].Should().BeOneOf('8', '9', 'a', 'b');
    }

    [Fact]
    public void Instance_ids_follow_the_contract()
    {
        var id = Guid.Parse("0a1b2c3d-0000-4000-8000-00000000abcd");

        BookingRequestId.WorkflowInstanceIdFor(id).Should().Be("booking-0a1b2c3d00004000800000000000abcd");
        BookingRequestId.CancellationInstanceIdFor(id).Should().Be("booking-cancel-0a1b2c3d00004000800000000000abcd");
    }
}
