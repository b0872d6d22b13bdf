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

    [Fact]
    public void Every_topic_has_its_producers_in_the_table()
    {
        var produced = Producers.All.Select(p => p.Topic).ToHashSet(StringComparer.Ordinal);

        ContractCatalogue.ByTopic.Keys.Where(t => !produced.Contains(t) && !Producers.AwaitingProducer.Contains(t))
            .Should().BeEmpty("a new topic needs its producer in Producers.All");
        Producers.AwaitingProducer.Where(produced.Contains).Should().BeEmpty("a topic with a producer row is no longer awaiting one");
    }
}
