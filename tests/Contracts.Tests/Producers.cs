using DaprPlatform.Booking.Contracts;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Features;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Monetary;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Payments.Contracts;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reviews.Contracts;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;
using AnalyticsEvents = DaprPlatform.Analytics.Contracts;
using BookingEntity = DaprPlatform.Booking.Domain.Booking;
using ChannelEvents = DaprPlatform.Channels.Contracts;
using MessagingEvents = DaprPlatform.Messaging.Contracts;
using ReportsEvents = DaprPlatform.Reports.Contracts;

namespace DaprPlatform.Contracts.Tests;

/// <summary>One way a producer publishes a topic: the record built the way the service builds it, enqueued on its outbox.</summary>
public sealed record Producer(string Topic, string Service, string Case, Func<Outbox<PublishedEvents>, OutboxMessage> Publish)
{
    public string Name => $"{Topic}: {Case}";
}

/// <summary>
/// Every C# producer of every topic, with representative values. Domain records are built through the domain's own
/// factories and transitions (Booking.Request → Confirm → Cancel, Payment.Create → MarkFailed …) and turned into events by
/// the service's own mapping (BookingEvent.From, PaymentEvent.Of …), so a change to either shows up here.
/// </summary>
public static class Producers
{
    /// <summary>Topics whose producer is not on main yet: the lead adds their rows when merging the producers (none left after issue 18).</summary>
    public static readonly IReadOnlySet<string> AwaitingProducer = new HashSet<string>(StringComparer.Ordinal);

    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, 123, TimeSpan.Zero);
    private static readonly Guid StudentId = Guid.Parse("0193a5c2-9e02-7a11-8c3d-5e6f7a8b9c22");
    private static readonly Guid TutorId = Guid.Parse("0193a5c2-7d41-7c3e-9b1a-2f4e6d8a0b11");
    private static readonly Guid OwnerId = Guid.Parse("0193a5c3-1111-7abc-8def-0123456789ab");
    private static readonly Guid ChannelId = Guid.Parse("3f1d2c4b-8a7e-4f60-9b21-7c5d4e3a2b10");
    private static readonly Guid BookingId = Guid.Parse("0193a5d0-4b2c-7e1f-a3d4-5c6b7a8e9f01");
    private static readonly Money Price = new(4500, Currency.Usd);
    private static readonly DateTimeOffset LessonStart = new(2026, 12, 10, 15, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LessonEnd = LessonStart.AddHours(1);

    /// <summary>The catalogue of the contract (payments' appsettings.json).</summary>
    private static readonly PlanCatalogue Plans = new([
        new("free", "Free", 0, "USD", new PlanEntitlements(1, 7, false, 3)),
        new("pro", "Pro", 900, "USD", new PlanEntitlements(5, 90, true, 30)),
        new("business", "Business", 2900, "USD", new PlanEntitlements(25, 365, true, 300)),
    ]);

    /// <summary>An owner's billing account moved through <paramref name="plans"/> from free; the event of the last move.</summary>
    private static PlanChanged PlanMove(string[] plans, string toFreeReason)
    {
        var account = BillingAccount.Open(OwnerId, "cus_1", null, Plans.Free.Code, Now);
        PlanChanged? last = null;
        foreach (var code in plans)
        {
            var plan = Plans.Find(code)!;
            var (previous, reason) = account.MoveTo(plan, Plans.InForce(account.Plan).IsFree, toFreeReason, Now)!.Value;
            last = PlanChanged.Of(account, plan, previous, reason, Plans, Now);
        }

        return last!;
    }

    public static IReadOnlyList<Producer> All { get; } =
    [
        // identity
        new(PlatformTopics.UserRegistered, "identity", "self-registration",
            o => o.Enqueue(UserRegistered.Topic, new UserRegistered(TutorId, "ana@example.com", "Ana Tutor", PlatformRoles.Tutor, Now))),
        new(PlatformTopics.UserRegistered, "identity", "created by the onboarding saga",
            o => o.Enqueue(UserRegistered.Topic, new UserRegistered(StudentId, "sam@example.com", "Sam Student", PlatformRoles.Student, Now, UserRegistered.OnboardingOrigin))),
        new(PlatformTopics.UserDeleted, "identity", "deleted by an admin",
            o => o.Enqueue(UserDeleted.Topic, new UserDeleted(TutorId, "ana@example.com", Now))),
        new(PlatformTopics.UserRoleChanged, "identity", "appointed by an admin",
            o => o.Enqueue(UserRoleChanged.Topic, new UserRoleChanged(StudentId, "sam@example.com", PlatformRoles.Admin, PlatformRoles.Student, OwnerId, Now))),
        new(PlatformTopics.UserRoleChanged, "identity", "made admin by configuration",
            o => o.Enqueue(UserRoleChanged.Topic, new UserRoleChanged(OwnerId, "admin@example.com", PlatformRoles.Admin, PlatformRoles.ChannelOwner, ChangedBy: null, Now))),

        // channels
        new(PlatformTopics.ChannelRegistered, "channels", "public channel",
            o => o.Enqueue(ChannelEvents.ChannelRegistered.Topic, new ChannelEvents.ChannelRegistered(ChannelId, -1001234567890, "dapr_news", "Dapr News", OwnerId, 1520, Now))),
        new(PlatformTopics.ChannelRegistered, "channels", "private channel",
            o => o.Enqueue(ChannelEvents.ChannelRegistered.Topic, new ChannelEvents.ChannelRegistered(ChannelId, -1009876543210, null, "Private digest", OwnerId, 0, Now))),
        new(PlatformTopics.ChannelRemoved, "channels", "removed by its owner",
            o => o.Enqueue(ChannelEvents.ChannelRemoved.Topic, new ChannelEvents.ChannelRemoved(ChannelId, Now))),
        new(PlatformTopics.ChannelMetrics, "channels", "a batch of every kind",
            o => o.Enqueue(ChannelEvents.ChannelMetricsBatch.Topic, MetricsBatch.For(ChannelId,
                Enum.GetValues<MetricKind>().Select((kind, i) => new MetricSample($"collector-{kind.WireName()}-{i}", kind, 10L * i, Now.AddMinutes(-i)))))),
        new(PlatformTopics.ChannelPaused, "channels", "over the limit after a downgrade",
            o => o.Enqueue(ChannelEvents.ChannelPaused.Topic, new ChannelEvents.ChannelPaused(ChannelId, OwnerId, "Dapr News", Channel.PlanLimitReason, "free", Now))),
        new(PlatformTopics.ChannelResumed, "channels", "within the limit after an upgrade",
            o => o.Enqueue(ChannelEvents.ChannelResumed.Topic, new ChannelEvents.ChannelResumed(ChannelId, OwnerId, "Dapr News", Channel.PlanLimitReason, "pro", Now))),

        // analytics
        new(AnalyticsEvents.ChannelAnomalyDetected.Topic, "analytics", "views far above the median",
            o => o.Enqueue(AnalyticsEvents.ChannelAnomalyDetected.Topic,
                new AnalyticsEvents.ChannelAnomalyDetected(ChannelId, new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), 4210, 350.5, 9.8, Now))),

        // payments
        new(PlatformTopics.PlanChanged, "payments", "subscribed: free → pro",
            o => o.Enqueue(PlanChanged.Topic, PlanMove(["pro"], PlanChangeReasons.Canceled))),
        new(PlatformTopics.PlanChanged, "payments", "upgraded to business (nothing lifts its limits)",
            o => o.Enqueue(PlanChanged.Topic, PlanMove(["pro", "business"], PlanChangeReasons.Canceled))),
        new(PlatformTopics.PlanChanged, "payments", "downgraded by the dunning saga",
            o => o.Enqueue(PlanChanged.Topic, PlanMove(["pro", "free"], PlanChangeReasons.Downgraded))),
        new(PlatformTopics.PaymentSucceeded, "payments", "the intent succeeded",
            o => o.Enqueue(PaymentEvent.SucceededTopic, PaymentEvent.Of(Paid(p => p.MarkSucceeded(Now)), Now))),
        new(PlatformTopics.PaymentFailed, "payments", "a declined card",
            o => o.Enqueue(PaymentEvent.FailedTopic, PaymentEvent.Of(Paid(p => p.MarkFailed("card_declined", "Your card was declined.", Now)), Now))),
        new(PlatformTopics.PaymentFailed, "payments", "a failure without a message",
            o => o.Enqueue(PaymentEvent.FailedTopic, PaymentEvent.Of(Paid(p => p.MarkFailed(null, null, Now)), Now))),
        new(PlatformTopics.PaymentRefunded, "payments", "refunded in full",
            o => o.Enqueue(PaymentEvent.RefundedTopic, PaymentEvent.Of(Paid(p => p.MarkSucceeded(Now) && p.RecordRefund(4500, Now)), Now))),
        new(PlatformTopics.PaymentRefunded, "payments", "refunded in part",
            o => o.Enqueue(PaymentEvent.RefundedTopic, PaymentEvent.Of(Paid(p => p.MarkSucceeded(Now) && p.ApplyChargeRefunded(2250, Now)), Now))),
        new(PlatformTopics.PayoutInitiated, "payments", "a payable balance",
            o => o.Enqueue(PayoutEvent.InitiatedTopic, PayoutEvent.Of(Payout(_ => true), Now))),
        new(PlatformTopics.PayoutCompleted, "payments", "the transfer was made",
            o => o.Enqueue(PayoutEvent.CompletedTopic, PayoutEvent.Of(Payout(p => p.Complete("tr_1QxYz2AbCdEfGhIj", Now)), Now))),
        new(PlatformTopics.PayoutFailed, "payments", "the transfer was refused",
            o => o.Enqueue(PayoutEvent.FailedTopic, PayoutEvent.Of(Payout(p => p.Fail("The destination account is not enabled for payouts.", Now)), Now))),

        // reports
        new(PlatformTopics.ReportExported, "reports", "a PDF completed",
            o => o.Enqueue(ReportsEvents.ReportExported.Topic, ReportsEvents.ReportExported.Of(Exported(ExportFormat.Pdf, "Dapr News", e => e.Complete(184_320, Now))))),
        new(PlatformTopics.ReportExported, "reports", "a CSV failed before the title was read",
            o => o.Enqueue(ReportsEvents.ReportExported.Topic, ReportsEvents.ReportExported.Of(Exported(ExportFormat.Csv, null,
                e => e.Fail("The channel is no longer known to analytics as yours (removed?); nothing was exported.", Now))))),

        // booking
        new(PlatformTopics.BookingRequested, "booking", "the saga created it",
            o => o.Enqueue(BookingEvent.Requested, BookingEvent.From(Booked(), Now))),
        new(PlatformTopics.BookingConfirmed, "booking", "paid",
            o => o.Enqueue(BookingEvent.Confirmed, BookingEvent.From(Booked(b => b.AwaitPayment(Guid.NewGuid(), "pi_3Qx", Now), b => b.Confirm(Now)), Now, BookingStatus.AwaitingPayment))),
        new(PlatformTopics.BookingCancelled, "booking", "the payment was declined",
            o => o.Enqueue(BookingEvent.Cancelled, BookingEvent.From(Booked(b => b.AwaitPayment(Guid.NewGuid(), "pi_3Qx", Now), b => b.Cancel("The payment was declined.", null, Now)), Now, BookingStatus.AwaitingPayment))),
        new(PlatformTopics.BookingCancelled, "booking", "confirmed, then cancelled with a refund",
            o => o.Enqueue(BookingEvent.Cancelled, BookingEvent.From(Booked(b => b.AwaitPayment(Guid.NewGuid(), "pi_3Qx", Now), b => b.Confirm(Now), b => b.Cancel("Cancelled by the student.", Price, Now)), Now, BookingStatus.Confirmed))),
        new(PlatformTopics.BookingCompleted, "booking", "the lesson took place",
            o => o.Enqueue(BookingEvent.Completed, BookingEvent.From(Booked(b => b.AwaitPayment(Guid.NewGuid(), "pi_3Qx", Now), b => b.Confirm(Now), b => b.Complete(LessonEnd.AddMinutes(5))), LessonEnd.AddMinutes(5), BookingStatus.Confirmed))),

        // messaging
        new(PlatformTopics.MessageSent, "messaging", "a long text, previewed",
            o =>
            {
                var conversation = Conversation.Start(StudentId, "Sam Student", TutorId, "Ana Tutor", BookingId, Now);
                var message = conversation.Send(StudentId, new string('x', 300), Now);
                return o.Enqueue(MessagingEvents.MessageSent.Topic, MessagingEvents.MessageSent.From(conversation, message));
            }),
        new(PlatformTopics.MessageRead, "messaging", "two messages newly read",
            o =>
            {
                var conversation = Conversation.Start(StudentId, "Sam Student", TutorId, "Ana Tutor", bookingId: null, Now);
                var ids = new[] { conversation.Send(StudentId, "Hi", Now).Id, conversation.Send(StudentId, "Thursday?", Now).Id };
                return o.Enqueue(MessagingEvents.MessageRead.Topic, new MessagingEvents.MessageRead(conversation.Id, TutorId, ids, Now));
            }),

        // reviews
        new(PlatformTopics.ReviewPosted, "reviews", "with a comment",
            o => o.Enqueue(ReviewEvent.Posted, ReviewEvent.From(Reviewed("Clear explanations."), Now))),
        new(PlatformTopics.ReviewPosted, "reviews", "stars only",
            o => o.Enqueue(ReviewEvent.Posted, ReviewEvent.From(Reviewed(comment: null), Now))),
        new(PlatformTopics.ReviewEdited, "reviews", "a new rating",
            o => o.Enqueue(ReviewEvent.Edited, ReviewEvent.From(Reviewed("Clear explanations.", r => r.Edit(4, "Ran a bit over time.", Now)), Now))),
        new(PlatformTopics.ReviewHidden, "reviews", "hidden by a moderator",
            o => o.Enqueue(ReviewEvent.Hidden, ReviewEvent.From(Reviewed("Clear explanations.", r => r.Hide(Now)), Now))),
        new(PlatformTopics.ReviewRestored, "reviews", "restored by a moderator",
            o => o.Enqueue(ReviewEvent.Restored, ReviewEvent.From(Reviewed("Clear explanations.", r => r.Hide(Now), r => r.Restore(Now)), Now))),
        new(PlatformTopics.ReviewDeleted, "reviews", "deleted by its author",
            o => o.Enqueue(ReviewEvent.Deleted, ReviewEvent.From(Reviewed("Clear explanations.", r => r.Delete(Now)), Now))),
    ];

    private static Payment Paid(Func<Payment, bool> change)
    {
        var payment = Payment.Create(BookingId, StudentId, Price, "Algebra with Ana Tutor", $"booking-{BookingId}", "pi_3QxYz2AbCdEfGhIj", "pi_secret", "cus_R1", Now);
        Changed(change(payment));
        return payment;
    }

    private static Payout Payout(Func<Payout, bool> change)
    {
        var payout = Payments.Domain.Payout.Open(TutorId, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
            new Money(40500, Currency.Usd), minimum: 1000, Now);
        Changed(change(payout));
        return payout;
    }

    private static BookingEntity Booked(params Func<BookingEntity, bool>[] changes)
    {
        var booking = BookingEntity.Request(new BookingSnapshot(BookingId, $"booking-{BookingId}", StudentId, "Sam Student", TutorId, "Ana Tutor", "algebra",
            LessonStart, LessonEnd, Price), Now);
        foreach (var change in changes) { Changed(change(booking)); }
        return booking;
    }

    /// <summary>An export queued, started and gathered (its title read, or not), then ended by <paramref name="end"/>.</summary>
    private static ReportExport Exported(ExportFormat format, string? channelTitle, Func<ReportExport, bool> end)
    {
        var to = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
        var export = ReportExport.Queue(Guid.Parse("0193a6b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b"), OwnerId, "Olga Owner", ChannelId, new ReportPeriod(to.AddDays(-30), to), format, Now);
        export.Start();
        export.ChannelTitle = channelTitle;
        Changed(end(export));
        return export;
    }

    private static Review Reviewed(string? comment, params Func<Review, bool>[] changes)
    {
        var booking = ReviewableBooking.From(new BookingFacts(BookingId, StudentId, "Sam Student", TutorId, "Ana Tutor", "algebra"));
        booking.Complete(Now);
        var review = Review.Post(Guid.Parse("0193a5f0-1234-7abc-8def-56789abcdef0"), booking, 5, comment, Now);
        foreach (var change in changes) { Changed(change(review)); }
        return review;
    }

    /// <summary>Each step must be a real change, or the event would not be published at all.</summary>
    private static void Changed(bool changed)
    {
        if (!changed) { throw new InvalidOperationException("A producer's state change in this table changed nothing; it would publish no event."); }
    }
}
