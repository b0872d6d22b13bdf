using DaprPlatform.Messaging.Contracts;
using DaprPlatform.Messaging.Domain;
using DaprPlatform.Messaging.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Messaging.Tests;

/// <summary>What one replica does with the notices it receives, and the typing throttle, on a clock the test moves.</summary>
public sealed class LiveConnectionsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly LiveOptions _options = new() { MaxNoticeAge = TimeSpan.FromSeconds(30), TypingInterval = TimeSpan.FromSeconds(3) };

    private LiveNotice Notice(DateTimeOffset at, params Guid[] recipients) =>
        LiveNotice.Of(recipients, LiveNotice.MessageNew, Guid.NewGuid(), 1, at, new { text = "hi" });

    [Fact]
    public void A_notice_reaches_every_open_stream_of_its_recipients_here_and_no_one_else()
    {
        var connections = new LiveConnections(Options.Create(_options), _clock);
        var (ada, grace, stranger) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        using var adaPhone = connections.Open(ada);
        using var adaLaptop = connections.Open(ada);
        using var strangers = connections.Open(stranger);

        connections.Deliver(Notice(_clock.GetUtcNow(), ada, grace)).Should().Be(2, "both of Ada's streams; Grace has none on this replica");

        adaPhone.Notices.TryRead(out _).Should().BeTrue();
        adaLaptop.Notices.TryRead(out _).Should().BeTrue();
        strangers.Notices.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public void Stale_notices_go_nowhere_and_a_closed_stream_gets_nothing()
    {
        var connections = new LiveConnections(Options.Create(_options), _clock);
        var ada = Guid.NewGuid();
        var stream = connections.Open(ada);

        connections.Deliver(Notice(_clock.GetUtcNow() - TimeSpan.FromSeconds(31), ada)).Should().Be(0, "a new consumer group replays old notices");
        connections.Deliver(Notice(_clock.GetUtcNow() - TimeSpan.FromSeconds(30), ada)).Should().Be(1);

        stream.Dispose();
        connections.CountFor(ada).Should().Be(0);
        connections.Deliver(Notice(_clock.GetUtcNow(), ada)).Should().Be(0);
        stream.Notices.TryRead(out _).Should().BeTrue("what arrived before closing stays readable");
        stream.Notices.Completion.IsCompleted.Should().BeTrue("closing completes the stream's channel");
    }

    [Fact]
    public void Typing_passes_once_per_interval_per_user_and_conversation()
    {
        var throttle = new TypingThrottle(Options.Create(_options), _clock);
        var (ada, conversation, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        throttle.TryPass(ada, conversation).Should().BeTrue();
        throttle.TryPass(ada, conversation).Should().BeFalse();
        throttle.TryPass(ada, other).Should().BeTrue("another conversation has its own interval");
        _clock.Advance(TimeSpan.FromSeconds(2.9));
        throttle.TryPass(ada, conversation).Should().BeFalse();
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        throttle.TryPass(ada, conversation).Should().BeTrue();
    }
}
