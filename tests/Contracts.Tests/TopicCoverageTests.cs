using System.Reflection;
using System.Text.RegularExpressions;
using DaprPlatform.Messaging.Contracts;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Contracts.Tests;

/// <summary>
/// The CI guard: every topic the platform names has a schema, no schema is left without a topic, and the consumer table
/// follows the subscriptions in the code. A new topic without contracts/&lt;topic&gt;.schema.json fails here.
/// </summary>
public sealed partial class TopicCoverageTests
{
    /// <summary>Topics on components other than <c>pubsub</c>: internal to one app, not published contracts.</summary>
    private static readonly IReadOnlyDictionary<string, string> OnOtherComponents = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [LiveNotice.Topic] = LiveNotice.PubSubName,
    };

    private static readonly string[] SourceFolders = ["services", "workflows"];

    public static IReadOnlySet<string> PlatformTopicNames { get; } = typeof(PlatformTopics)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name != nameof(PlatformTopics.PubSub))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_platform_topic_has_a_schema()
    {
        PlatformTopicNames.Should().NotBeEmpty();
        PlatformTopicNames.Where(t => !ContractCatalogue.ByTopic.ContainsKey(t)).Should().BeEmpty("contracts/<topic>.schema.json describes every topic's data");
    }

    [Fact]
    public void Every_topic_named_in_the_sources_has_a_schema()
    {
        var named = TopicsNamedInSources();

        named.Should().Contain("channel.anomaly", "the scan finds topics declared outside PlatformTopics");
        named.Where(t => !OnOtherComponents.ContainsKey(t) && !ContractCatalogue.ByTopic.ContainsKey(t)).Should().BeEmpty();
    }

    [Fact]
    public void Topics_left_out_are_really_on_another_component()
    {
        OnOtherComponents.Values.Should().NotContain(PlatformTopics.PubSub);
        OnOtherComponents.Keys.Should().BeSubsetOf(TopicsNamedInSources(), "an entry for a topic that no longer exists is stale");
    }

    [Fact]
    public void No_schema_is_an_orphan()
    {
        var known = PlatformTopicNames.Union(TopicsNamedInSources()).ToHashSet(StringComparer.Ordinal);

        ContractCatalogue.ByTopic.Keys.Where(t => !known.Contains(t)).Should().BeEmpty("a schema describes a topic the platform publishes");
        Directory.GetFiles(ContractCatalogue.Folder).Select(Path.GetFileName)
            .Where(f => !f!.EndsWith(ContractCatalogue.SchemaSuffix, StringComparison.Ordinal) && f != "README.md")
            .Should().BeEmpty("contracts/ holds schemas and their README only");
    }

    [Fact]
    public void The_consumer_table_has_every_subscription_in_the_code()
    {
        var subscriptions = SourceFiles()
            .SelectMany(file => MapTopicCall().Matches(File.ReadAllText(file)).Select(m => (Data: m.Groups["data"].Value.Split('.')[^1], Topic: m.Groups["topic"].Value, file)))
            .ToList();

        subscriptions.Should().HaveCountGreaterThan(15, "the scan finds the MapTopic subscriptions");
        foreach (var (data, topicConstant, file) in subscriptions)
        {
            var topic = (string)typeof(PlatformTopics).GetField(topicConstant)!.GetRawConstantValue()!;
            Consumers.All.Should().Contain(c => c.Topic == topic && c.Data.Name == data, "{0} subscribes {1} to {2}", Path.GetFileName(file), data, topic);
        }
    }

    [Fact]
    public void The_readmes_link_every_schema()
    {
        var contractsReadme = File.ReadAllText(Path.Combine(ContractCatalogue.Folder, "README.md"));
        var rootReadme = File.ReadAllText(Path.Combine(ContractCatalogue.RepositoryRoot, "README.md"));

        foreach (var topic in ContractCatalogue.ByTopic.Keys)
        {
            contractsReadme.Should().Contain($"({topic}{ContractCatalogue.SchemaSuffix})", "contracts/README.md's table links {0}", topic);
            rootReadme.Should().Contain($"(contracts/{topic}{ContractCatalogue.SchemaSuffix})", "the README's event table links {0}", topic);
        }
    }

    /// <summary>Topic strings the sources declare or publish by literal: <c>Topic = "x.y"</c> constants and literal topics in publish calls.</summary>
    private static HashSet<string> TopicsNamedInSources() =>
        SourceFiles()
            .SelectMany(file => TopicLiteral().Matches(File.ReadAllText(file)).Select(m => m.Groups["topic"].Value))
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> SourceFiles() =>
        SourceFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(ContractCatalogue.RepositoryRoot, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex("""(?:\b\w*Topic\w*\s*=\s*|(?:Enqueue|PublishEventAsync|PublishByteEventAsync)\s*\([^;]*?)"(?<topic>[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)"(?!\s*\+)""")]
    private static partial Regex TopicLiteral();

    [GeneratedRegex("""MapTopic<(?<data>[\w.]+),\s*[\w.]+>\([^;]*?PlatformTopics\.Subscription\(PlatformTopics\.(?<topic>\w+)\)""", RegexOptions.Singleline)]
    private static partial Regex MapTopicCall();
}
