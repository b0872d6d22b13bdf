using System.Text.Json;
using System.Text.Json.Nodes;

namespace DaprPlatform.Contracts.Tests;

/// <summary>Every C# consumer reads every example of its topic, with everything it needs present, and the schema promises what it needs.</summary>
public sealed class ConsumerTests(SubscriberHost host) : IClassFixture<SubscriberHost>
{
    public static TheoryData<string> Cases => [.. Consumers.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reads_every_example_with_its_needed_members(string name)
    {
        var consumer = Consumers.All.Single(c => c.Name == name);
        var contract = ContractCatalogue.For(consumer.Topic);

        foreach (var example in contract.Examples)
        {
            var read = await consumer.Read(host, example);

            read.Should().NotBeNull("{0} takes the example {1}", consumer.Service, example.GetRawText());
            read.Should().BeOfType(consumer.Data);
            ConsumerShape.MissingMembers(read!).Should().BeEmpty("{0} needs them and the example {1} has them", consumer.Service, example.GetRawText());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reads_what_every_producer_of_the_topic_publishes(string name)
    {
        var consumer = Consumers.All.Single(c => c.Name == name);
        var outbox = PublishedEvents.NewOutbox(TimeProvider.System);

        foreach (var producer in Producers.All.Where(p => p.Topic == consumer.Topic))
        {
            using var published = JsonDocument.Parse(producer.Publish(outbox).Payload);
            var read = await consumer.Read(host, published.RootElement);

            read.Should().NotBeNull("{0} takes what {1} publishes ({2})", consumer.Service, producer.Service, producer.Case);
            ConsumerShape.MissingMembers(read!).Should().BeEmpty("{0} publishes them ({1})", producer.Service, producer.Case);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_schema_requires_what_the_consumer_needs(string name)
    {
        var consumer = Consumers.All.Single(c => c.Name == name);
        var schema = ContractCatalogue.For(consumer.Topic).Document;

        ConsumerShape.NotCoveredBy(consumer.Data, schema, schema).Should().BeEmpty(
            "a producer that sends only what {0} requires must still satisfy {1}", consumer.Topic, consumer.Service);
    }

    [Fact]
    public async Task A_delivery_without_a_needed_member_is_caught()
    {
        // The checks above can fail: data without the booking id or the price is read with those missing.
        var consumer = Consumers.All.First(c => c.Topic == "booking.confirmed");
        var example = JsonNode.Parse(ContractCatalogue.For(consumer.Topic).Examples[0].GetRawText())!.AsObject();
        example.Remove("bookingId");
        example.Remove("price");

        var read = await consumer.Read(host, JsonSerializer.SerializeToElement(example));

        ConsumerShape.MissingMembers(read!).Should().BeEquivalentTo("bookingId", "price");
    }

    [Fact]
    public void A_consumer_needing_more_than_the_schema_promises_is_caught()
    {
        using var schema = JsonDocument.Parse("""
            { "type": "object", "required": ["userId"],
              "properties": { "userId": { "type": "string", "format": "uuid" }, "email": { "type": "string" } } }
            """);

        ConsumerShape.NotCoveredBy(typeof(GreedyWelcome), schema.RootElement, schema.RootElement).Should().BeEquivalentTo(
            "email: needed by the consumer, not required by the schema",
            "nickname: not in the schema");
    }

    [Fact]
    public async Task Data_of_another_shape_is_dropped_not_read()
    {
        var consumer = Consumers.All.First(c => c.Topic == "user.registered");

        var read = await consumer.Read(host, JsonSerializer.SerializeToElement(new { userId = "not-a-uuid" }));

        read.Should().BeNull("the delivery is answered DROP, as in the service");
    }
}

/// <summary>A consumer record reading a member no producer sends.</summary>
public sealed record GreedyWelcome(Guid UserId, string Email, string? Nickname);
