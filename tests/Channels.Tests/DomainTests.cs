using DaprPlatform.Channels.Domain;

namespace DaprPlatform.Channels.Tests;

public sealed class DomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("@analytic_news", "@analytic_news", null)]
    [InlineData("  @abcde  ", "@abcde", null)]
    [InlineData("-1001234567890", null, -1001234567890L)]
    [InlineData("12345", null, 12345L)]
    public void Chat_reference_accepts_usernames_and_numeric_ids(string input, string? username, long? chatId)
    {
        TelegramChatReference.TryParse(input, out var reference, out var error).Should().BeTrue(error);
        reference!.Username.Should().Be(username);
        reference.ChatId.Should().Be(chatId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("analytic_news")]
    [InlineData("@abcd")]
    [InlineData("@_abcde")]
    [InlineData("@abc de")]
    [InlineData("0")]
    [InlineData("1e5")]
    [InlineData("+-5")]
    public void Chat_reference_rejects_anything_else(string? input)
    {
        TelegramChatReference.TryParse(input, out var reference, out var error).Should().BeFalse();
        reference.Should().BeNull();
        error.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Valid_batch_is_accepted_whole_and_times_are_utc()
    {
        var local = new DateTimeOffset(2026, 11, 22, 2, 0, 0, TimeSpan.FromHours(2));
        var errors = MetricBatchRules.Check(
            [new SubmittedSample("a", "views", 3, local), new SubmittedSample("b", "subscribers", 0, Now.AddMinutes(5))], 10, Now, out var accepted);

        errors.Should().BeEmpty();
        accepted.Should().Equal(new MetricSample("a", MetricKind.Views, 3, Now), new MetricSample("b", MetricKind.Subscribers, 0, Now.AddMinutes(5)));
        accepted[0].At.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void One_bad_sample_rejects_the_whole_batch()
    {
        var errors = MetricBatchRules.Check(
            [new SubmittedSample("a", "views", 3, Now), new SubmittedSample("b", "views", 1, Now.AddMinutes(5).AddSeconds(1))], 10, Now, out var accepted);

        errors.Select(e => e.Field).Should().Equal("samples[1].at");
        accepted.Should().BeEmpty();
    }

    [Fact]
    public void Batch_limit_is_inclusive()
    {
        var samples = Enumerable.Range(0, 3).Select(i => (SubmittedSample?)new SubmittedSample($"s{i}", "posts", 1, Now)).ToList();

        MetricBatchRules.Check(samples, 3, Now, out _).Should().BeEmpty();
        MetricBatchRules.Check(samples, 2, Now, out _).Select(e => e.Field).Should().Equal("samples");
    }

    [Theory]
    [InlineData(false, true, MetricKind.Joins)]
    [InlineData(true, false, MetricKind.Leaves)]
    [InlineData(true, true, null)]
    [InlineData(false, false, null)]
    public void Membership_transitions(bool wasMember, bool isMember, MetricKind? expected) =>
        ChannelMembership.Transition(wasMember, isMember).Should().Be(expected);

    [Fact]
    public void Metric_kinds_have_lower_case_wire_names()
    {
        MetricKinds.WireNames.Should().BeEquivalentTo("views", "reactions", "forwards", "posts", "subscribers", "joins", "leaves");
        MetricKinds.TryParse("Views", out _).Should().BeFalse();
    }
}
