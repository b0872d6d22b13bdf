using DaprPlatform.Analytics.Domain;

namespace DaprPlatform.Analytics.Tests.Domain;

public sealed class RecentSampleIdsTests
{
    [Fact]
    public void A_redelivered_id_is_refused_while_remembered()
    {
        var ids = new RecentSampleIds(capacity: 10);
        ids.TryAdd("a", 0).Should().BeTrue();
        ids.TryAdd("a", 5).Should().BeFalse();
    }

    [Fact]
    public void The_oldest_id_is_forgotten_when_capacity_is_reached()
    {
        var ids = new RecentSampleIds(capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            ids.TryAdd(id, 0).Should().BeTrue();
        }

        ids.Count.Should().Be(3);
        ids.Contains("a").Should().BeFalse();
        ids.TryAdd("b", 0).Should().BeFalse();
    }

    [Fact]
    public void An_id_is_forgotten_after_max_age()
    {
        var ids = new RecentSampleIds(capacity: 100, maxAge: TimeSpan.FromHours(24));
        ids.TryAdd("a", 0).Should().BeTrue();
        ids.TryAdd("a", 1439).Should().BeFalse();
        ids.TryAdd("b", 1440).Should().BeTrue();
        ids.Contains("a").Should().BeFalse();
        ids.Count.Should().Be(1);
    }
}
