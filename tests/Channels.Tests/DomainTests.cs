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

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 2)]
    [InlineData(3, 0)]
    [InlineData(5, 0)]
    public void Reconcile_keeps_the_oldest_within_the_limit_active_and_pauses_the_newest(int maxChannels, int paused)
    {
        var owned = Enumerable.Range(0, 3).Select(i => Channel.Register(-100 - i, null, $"c{i}", Guid.NewGuid(), 0, Now.AddMinutes(i))).ToList();

        var (toPause, toResume) = new ChannelAllowance("free", maxChannels, "pro").Reconcile(owned);

        toResume.Should().BeEmpty();
        toPause.Should().Equal(owned.Skip(3 - paused));
    }

    [Fact]
    public void Reconcile_resumes_only_plan_paused_channels_within_the_limit_and_never_pauses_twice()
    {
        var owned = Enumerable.Range(0, 4).Select(i => Channel.Register(-200 - i, null, $"c{i}", Guid.NewGuid(), 0, Now.AddMinutes(i))).ToList();
        owned[1].Pause(Channel.PlanLimitReason, Now).Should().BeTrue();
        owned[2].Pause(Channel.PlanLimitReason, Now);
        owned[3].Pause(Channel.PlanLimitReason, Now);
        owned[3].Pause("other", Now).Should().BeFalse("a paused channel is not paused again");

        var (toPause, toResume) = new ChannelAllowance("pro", 2, "business").Reconcile(owned);

        toResume.Should().Equal(owned[1]);
        toPause.Should().BeEmpty("the channels beyond the limit are paused already");
        owned[1].Resume().Should().BeTrue();
        owned[1].Status.Should().Be("active");
        owned[2].Status.Should().Be("paused");
        owned[1].Resume().Should().BeFalse();
    }

    [Fact]
    public void An_owner_plan_takes_only_newer_versions()
    {
        var plan = OwnerPlan.For(Guid.NewGuid());

        plan.Apply(new ChannelAllowance("pro", 5, "business"), 3, Now).Should().BeTrue();
        plan.Apply(new ChannelAllowance("free", 1, "pro"), 3, Now).Should().BeFalse();
        plan.Apply(new ChannelAllowance("free", 1, "pro"), 2, Now).Should().BeFalse();

        plan.Allowance.Should().Be(new ChannelAllowance("pro", 5, "business"));
        plan.Apply(new ChannelAllowance("business", 25, null), 4, Now).Should().BeTrue();
        plan.Allowance.Should().Be(new ChannelAllowance("business", 25, null));
    }
}
