using System.Text.Json;
using DaprPlatform.Booking.Domain;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Payments.Domain;
using DaprPlatform.Reports.Domain;
using DaprPlatform.Reviews.Domain;
using DaprPlatform.ServiceDefaults;
using IdentityEvents = DaprPlatform.Identity.Domain;

namespace DaprPlatform.Contracts.Tests;

/// <summary>A schema's enum is the producer's fixed set exactly: a value added in the code must be added to the contract (a breaking change, contracts/README.md).</summary>
public sealed class EnumTests
{
    private static readonly string[] BookingStatuses = [.. Enum.GetValues<BookingStatus>().Select(s => s.ToWireName())];

    /// <summary>Topic, the path of the member in the schema, and the wire names the code has for it.</summary>
    private static readonly (string Topic, string[] Path, IReadOnlyCollection<string?> Code)[] Sets =
    [
        (PlatformTopics.UserRegistered, ["role"], [.. PlatformRoles.All]),
        (PlatformTopics.UserRegistered, ["origin"], [IdentityEvents.UserRegistered.OnboardingOrigin, null]),
        (PlatformTopics.UserRoleChanged, ["role"], [.. PlatformRoles.All]),
        (PlatformTopics.UserRoleChanged, ["previousRole"], [.. PlatformRoles.All]),
        (PlatformTopics.ChannelMetrics, ["samples", "items", "kind"], [.. MetricKinds.WireNames]),
        .. new[] { PlatformTopics.PaymentSucceeded, PlatformTopics.PaymentFailed, PlatformTopics.PaymentRefunded }
            .Select(t => (t, new[] { "status" }, (IReadOnlyCollection<string?>)[.. Enum.GetValues<PaymentStatus>().Select(s => s.WireName())])),
        .. new[] { PlatformTopics.BookingRequested, PlatformTopics.BookingConfirmed, PlatformTopics.BookingCancelled, PlatformTopics.BookingCompleted }
            .SelectMany(t => new[]
            {
                (t, new[] { "status" }, (IReadOnlyCollection<string?>)BookingStatuses),
                (t, new[] { "previousStatus" }, (IReadOnlyCollection<string?>)[.. BookingStatuses, null]),
            }),
        (PlatformTopics.ReportExported, ["format"], [.. Enum.GetValues<ExportFormat>().Select(f => f.WireName())]),
        // Only the endings are announced: queued and running never are.
        (PlatformTopics.ReportExported, ["status"], [.. new[] { ExportStatus.Completed, ExportStatus.Failed }.Select(s => s.WireName())]),
        .. new[] { PlatformTopics.ReviewPosted, PlatformTopics.ReviewEdited, PlatformTopics.ReviewHidden, PlatformTopics.ReviewRestored, PlatformTopics.ReviewDeleted }
            .Select(t => (t, new[] { "state" }, (IReadOnlyCollection<string?>)[.. Enum.GetValues<ReviewState>().Select(s => s.ToWireName())])),
    ];

    public static TheoryData<string> Cases => [.. Sets.Select(Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_schema_lists_exactly_the_code_s_values(string name)
    {
        var (topic, path, code) = Sets.Single(s => Name(s) == name);
        var member = path.Aggregate(ContractCatalogue.For(topic).Document, (node, step) => step == "items" ? node.GetProperty(step) : node.GetProperty("properties").GetProperty(step));

        var listed = member.GetProperty("enum").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToList();

        listed.Should().BeEquivalentTo(code);
    }

    private static string Name((string Topic, string[] Path, IReadOnlyCollection<string?> Code) set) => $"{set.Topic}: {string.Join('.', set.Path)}";
}
