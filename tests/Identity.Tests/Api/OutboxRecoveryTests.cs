using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.OutboxInbox;
using DaprPlatform.TestSupport;
using Npgsql;

namespace DaprPlatform.Identity.Tests.Api;

/// <summary>
/// Identity registers a user while its sidecar is down; the outbox keeps the event and retries, and once the
/// sidecar (DevHost) is up the event reaches a subscribing app exactly once. Real Postgres, real HTTP, real DevHost.
/// </summary>
public sealed class OutboxRecoveryTests : IAsyncLifetime
{
    private const string PubSub = "pubsub";
    private const string Topic = "user.registered";
    private const string SubscriberAppId = "subscriber";

    // Generous: the machine is shared with parallel builds; a healthy run takes a few seconds.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly PostgresDatabase _database = new("identity_outbox");
    private readonly TestAccessTokens _tokens = new();
    private readonly int _identitySidecarPort;
    private readonly int _identitySidecarGrpcPort;
    private readonly int _subscriberSidecarPort;
    private readonly int _subscriberAppPort;
    private ServiceFactory<Program>? _identity;
    private CloudEventSubscriber? _subscriber;
    private StandInSidecars? _sidecars;

    public OutboxRecoveryTests()
    {
        var ports = new HashSet<int>();
        while (ports.Count < 4)
        {
            ports.Add(FreeTcpPort.Next());
        }

        (_identitySidecarPort, _identitySidecarGrpcPort, _subscriberSidecarPort, _subscriberAppPort) =
            (ports.ElementAt(0), ports.ElementAt(1), ports.ElementAt(2), ports.ElementAt(3));
    }

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _subscriber = await CloudEventSubscriber.StartAsync(_subscriberAppPort, PubSub, Topic, "/events/user-registered");
        // The SDK's DaprClient publishes over gRPC; nothing listens on these ports until the test starts DevHost there.
        _identity = new ServiceFactory<Program>(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:identity"] = _database.ConnectionString,
                ["jwt:signingKey"] = _tokens.PrivateKeyPem,
                ["jwt:keyId"] = _tokens.KeyId,
            },
            services =>
            {
                // Applied to identity's existing dispatcher: quick retries with a low cap, so recovery is prompt once the sidecar is back.
                services.AddOutbox<IdentityDbContext>(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(200);
                    o.InitialBackoff = TimeSpan.FromMilliseconds(100);
                    o.MaxBackoff = TimeSpan.FromMilliseconds(500);
                });
            })
        {
            Tokens = _tokens,
            AcceptTestTokens = false,
            Sidecar = new Uri($"http://127.0.0.1:{_identitySidecarPort}"),
            SidecarGrpc = new Uri($"http://127.0.0.1:{_identitySidecarGrpcPort}"),
        };
        _ = _identity.Server; // starts the host: migrations applied, outbox dispatcher running
    }

    public async Task DisposeAsync()
    {
        if (_identity is not null)
        {
            await _identity.DisposeAsync();
        }

        if (_sidecars is not null)
        {
            await _sidecars.DisposeAsync();
        }

        if (_subscriber is not null)
        {
            await _subscriber.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task User_registered_while_the_sidecar_is_unreachable_is_delivered_exactly_once_after_it_comes_back()
    {
        // 1. Register while no sidecar listens: the request still succeeds, the event waits in the outbox.
        var email = $"outbox-{Guid.NewGuid():N}@example.com";
        Guid userId;
        using (var client = _identity!.CreateClient())
        using (var response = await client.PostAsJsonAsync("/api/auth/register", new { email, password = IdentityApiFixture.StrongPassword, displayName = "Olive Outbox" }))
        {
            response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            userId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        // 2. The dispatcher keeps trying and failing: the row stays unsent while its attempts grow.
        var failing = await Eventually.UntilAsync(
            "the outbox row to have failed at least twice",
            ct => ReadOutboxRowAsync(userId, ct),
            row => row is { Attempts: >= 2 },
            Patience,
            Describe);
        failing!.SentAt.Should().BeNull("nothing listens on the sidecar port yet");
        failing.LastError.Should().NotBeNullOrEmpty("a failed publish records why it failed");
        var subscriber = _subscriber!;
        subscriber.Received.Should().BeEmpty();

        // 3. The sidecar comes up on the port identity was told about, next to the subscriber's sidecar.
        var sidecars = _sidecars = await StandInSidecars.StartAsync(PubSub, [
            new RunFileApp("identity", _identitySidecarPort) { DaprGrpcPort = _identitySidecarGrpcPort },
            new RunFileApp(SubscriberAppId, _subscriberSidecarPort, _subscriberAppPort),
        ]);

        // 4. The next retry publishes; the outbox row is marked sent and the event reaches the subscriber.
        var sent = await Eventually.UntilAsync(
            "the outbox row to be marked sent",
            ct => ReadOutboxRowAsync(userId, ct),
            row => row is { SentAt: not null },
            Patience,
            row => Describe(row) + "\nDevHost:\n" + sidecars.Output);
        sent!.LastError.Should().BeNull("a successful publish clears the last error");
        sent.Attempts.Should().BeGreaterThanOrEqualTo(failing.Attempts, "attempts count failures only and never go back");

        // Sent rows are never published again; once every copy the broker holds for the subscriber is settled, nothing more can arrive.
        var tally = await Eventually.UntilAsync(
            "the broker to settle every user.registered message for the subscriber",
            ct => sidecars.TallyAsync(PubSub, Topic, SubscriberAppId, ct),
            t => t.Published > 0 && t.Settled == t.Published,
            Patience,
            t => $"{t}; received {subscriber.Received.Count}\nDevHost:\n{sidecars.Output}");
        tally.Should().Be(new BrokerTally(Published: 1, Settled: 1, Delivered: 1), "the outbox published the event once and the subscriber acknowledged it once");

        var received = subscriber.Received
            .Where(e => e.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("userId", out var id) && id.GetString() == userId.ToString())
            .ToList();
        received.Should().ContainSingle("the event is delivered exactly once");
        subscriber.Received.Should().HaveCount(1, "no other event was published on the topic");

        var cloudEvent = received[0];
        // cloudevent.id publish metadata overrides the CloudEvent id (pubsub API): the outbox row id, stable across retries.
        cloudEvent.GetProperty("id").GetString().Should().Be(sent.Id.ToString());
        // The sidecar's envelope: type com.dapr.event.sent, source = publishing app id, CloudEvents 1.0 (pubsub CloudEvents).
        cloudEvent.GetProperty("type").GetString().Should().Be("com.dapr.event.sent");
        cloudEvent.GetProperty("source").GetString().Should().Be("identity");
        cloudEvent.GetProperty("specversion").GetString().Should().Be("1.0");
        cloudEvent.GetProperty("topic").GetString().Should().Be(Topic);
        cloudEvent.GetProperty("pubsubname").GetString().Should().Be(PubSub);
        cloudEvent.GetProperty("datacontenttype").GetString().Should().StartWith("application/json");
        var payload = cloudEvent.GetProperty("data");
        payload.GetProperty("userId").GetGuid().Should().Be(userId);
        payload.GetProperty("email").GetString().Should().Be(email);
        payload.GetProperty("displayName").GetString().Should().Be("Olive Outbox");
        payload.GetProperty("role").GetString().Should().Be("student");
    }

    private sealed record OutboxRow(Guid Id, int Attempts, DateTimeOffset? SentAt, string? LastError);

    private static string Describe(OutboxRow? row) => row is null ? "no outbox row for the user" : row.ToString();

    private async Task<OutboxRow?> ReadOutboxRowAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var query = new NpgsqlCommand(
            $"SELECT id, attempts, sent_at, last_error FROM {OutboxInboxSchema.OutboxTable} WHERE topic = @topic AND pubsub_name = @pubsub AND payload->>'userId' = @userId",
            connection);
        query.Parameters.AddWithValue("topic", Topic);
        query.Parameters.AddWithValue("pubsub", PubSub);
        query.Parameters.AddWithValue("userId", userId.ToString());
        await using var reader = await query.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var row = new OutboxRow(
            reader.GetGuid(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3));
        (await reader.ReadAsync(ct)).Should().BeFalse("registration writes exactly one user.registered row per user");
        return row;
    }
}
