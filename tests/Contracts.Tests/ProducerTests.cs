using System.Text.Json;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Contracts.Tests;

/// <summary>What every C# producer really publishes (serialized by its outbox) is valid against the topic's schema.</summary>
public sealed class ProducerTests
{
    public static TheoryData<string> Cases => [.. Producers.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_published_data_validates_against_the_topic_schema(string name)
    {
        var producer = Producers.All.Single(p => p.Name == name);
        var outbox = PublishedEvents.NewOutbox(TimeProvider.System);

        var message = producer.Publish(outbox);

        message.Topic.Should().Be(producer.Topic, "the producer publishes on the topic the table names");
        message.PubSubName.Should().Be(PlatformTopics.PubSub);
        using var payload = JsonDocument.Parse(message.Payload);
        ContractCatalogue.For(producer.Topic).Errors(payload.RootElement).Should().BeEmpty("{0} publishes {1}", producer.Service, message.Payload);
    }

    public static TheoryData<string> ProducedTopics => [.. Producers.All.Select(p => p.Topic).Distinct().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ProducedTopics))]
    public void The_examples_have_the_members_producers_send_and_no_others(string topic)
    {
        var outbox = PublishedEvents.NewOutbox(TimeProvider.System);
        var published = Producers.All.Where(p => p.Topic == topic)
            .Select(p => JsonDocument.Parse(p.Publish(outbox).Payload).RootElement.Clone())
            .ToList();
        var sent = published.SelectMany(p => MemberPaths(p)).ToHashSet(StringComparer.Ordinal);
        var topLevel = published.SelectMany(p => p.EnumerateObject().Select(m => m.Name)).ToHashSet(StringComparer.Ordinal);

        foreach (var example in ContractCatalogue.For(topic).Examples)
        {
            MemberPaths(example).Should().BeSubsetOf(sent, "an example shows only what producers send");
            example.EnumerateObject().Select(m => m.Name).Should().BeEquivalentTo(topLevel, "producers send every member, null included");
        }
    }

    [Fact]
    public void Every_topic_has_its_producers_in_the_table()
    {
        var produced = Producers.All.Select(p => p.Topic).ToHashSet(StringComparer.Ordinal);

        ContractCatalogue.ByTopic.Keys.Where(t => !produced.Contains(t) && !Producers.AwaitingProducer.Contains(t))
            .Should().BeEmpty("a new topic needs its producer in Producers.All");
        Producers.AwaitingProducer.Where(produced.Contains).Should().BeEmpty("a topic with a producer row is no longer awaiting one");
    }

    /// <summary>Every member's path (<c>price.amount</c>, <c>samples[].kind</c>), objects and arrays followed.</summary>
    private static IEnumerable<string> MemberPaths(JsonElement element, string prefix = "") => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(m => MemberPaths(m.Value, prefix + m.Name + ".").Prepend(prefix + m.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(item => MemberPaths(item, prefix + "[]")),
        _ => [],
    };
}
