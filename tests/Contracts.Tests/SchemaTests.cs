using System.Text.Json;
using Json.Schema;

namespace DaprPlatform.Contracts.Tests;

/// <summary>Each schema on its own: a valid 2020-12 schema, shaped by the folder's rules, and its examples pass it.</summary>
public sealed class SchemaTests
{
    public static TheoryData<string> Topics => [.. ContractCatalogue.ByTopic.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Topics))]
    public void Is_a_valid_draft_2020_12_schema(string topic)
    {
        var contract = ContractCatalogue.For(topic);
        var results = MetaSchemas.Draft202012.Evaluate(contract.Document, ContractCatalogue.Evaluation);

        ContractCatalogue.ErrorsOf(results).Should().BeEmpty();
        contract.Document.GetProperty("$schema").GetString().Should().Be(ContractCatalogue.Dialect);
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Follows_the_folder_rules(string topic)
    {
        var schema = ContractCatalogue.For(topic).Document;

        schema.GetProperty("$id").GetString().Should().Be($"{ContractCatalogue.IdBase}{topic}{ContractCatalogue.SchemaSuffix}", "the $id is the schema's stable address");
        schema.GetProperty("title").GetString().Should().Be(topic);
        schema.GetProperty("description").GetString().Should().Contain("Published by").And.Contain("consume", "the description names who publishes and who consumes");
        schema.GetProperty("type").GetString().Should().Be("object");
        schema.GetProperty("additionalProperties").ValueKind.Should().Be(JsonValueKind.True, "consumers must tolerate new fields (contracts/README.md)");
        var properties = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        var required = schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).ToList();
        required.Should().NotBeEmpty().And.OnlyHaveUniqueItems();
        properties.Should().Contain(required, "every required member is described");
        properties.Should().OnlyContain(name => JsonNamingPolicy.CamelCase.ConvertName(name) == name, "the services write camelCase JSON");
    }

    [Theory]
    [MemberData(nameof(Topics))]
    public void Every_example_validates_against_its_schema(string topic)
    {
        var contract = ContractCatalogue.For(topic);

        contract.Examples.Should().NotBeEmpty("every schema carries at least one realistic example");
        foreach (var example in contract.Examples)
        {
            contract.Errors(example).Should().BeEmpty("example {0} is valid", example.GetRawText());
        }
    }

    [Fact]
    public void A_schema_rejects_data_that_breaks_it()
    {
        // The check above can fail: a missing required member, a malformed uuid and an unknown enum value are caught.
        var contract = ContractCatalogue.For("booking.confirmed");
        var example = contract.Examples[0];

        contract.Errors(Without(example, "bookingId")).Should().NotBeEmpty();
        contract.Errors(With(example, "studentId", "not-a-uuid")).Should().NotBeEmpty();
        contract.Errors(With(example, "start", "next tuesday")).Should().NotBeEmpty();
        contract.Errors(With(example, "status", "paid")).Should().NotBeEmpty();
        contract.Errors(With(example, "somethingNew", "consumers ignore it")).Should().BeEmpty("new fields are allowed");
    }

    private static JsonElement Without(JsonElement example, string member)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(example.GetRawText())!.AsObject();
        node.Remove(member);
        return JsonSerializer.SerializeToElement(node);
    }

    private static JsonElement With(JsonElement example, string member, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(example.GetRawText())!.AsObject();
        node[member] = value;
        return JsonSerializer.SerializeToElement(node);
    }
}
