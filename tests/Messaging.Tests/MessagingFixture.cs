using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Messaging.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DaprPlatform.Messaging.Tests;

/// <summary>
/// The messaging app on a DevHost sidecar with its own database, a tutoring stand-in that knows the tutors a test
/// publishes, the two pub/sub components of the repository (the bus and the per-replica live topic), and a second replica
/// of messaging (app id <see cref="ReplicaAppId"/>) on the same database behind its own sidecar.
/// </summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    public const string ReplicaAppId = "messaging-replica";

    private SidecarAppHost<Program>? _host;

    public PostgresDatabase Database { get; } = new("msg");

    public TestAccessTokens Tokens { get; } = new();

    /// <summary>Tutors with a published profile, as tutoring's GET /api/tutors/{id} answers them.</summary>
    public ConcurrentDictionary<Guid, string> PublishedTutors { get; } = new();

    /// <summary>Set to make the tutoring stand-in fail (500).</summary>
    public bool TutoringDown { get; set; }

    /// <summary>Bookings as booking's GET /api/bookings/{id} answers them: to their student and tutor only (404 to anyone else).</summary>
    public ConcurrentDictionary<Guid, (Guid StudentId, Guid TutorId)> Bookings { get; } = new();

    /// <summary>The Authorization header of every call the booking stand-in got.</summary>
    public ConcurrentQueue<string> BookingCallers { get; } = new();

    /// <summary>Set to make the booking stand-in fail (500).</summary>
    public bool BookingDown { get; set; }

    public SidecarAppHost<Program> Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _host = await SidecarAppHost<Program>.StartAsync(new SidecarAppHostOptions
        {
            AppId = "messaging",
            Prefix = "msg",
            Replicas = [ReplicaAppId],
            StandIns = new Dictionary<string, Action<WebApplication>> { ["tutoring"] = MapTutoring, ["booking"] = MapBooking },
            Components = new Dictionary<string, string>
            {
                ["pubsub.yaml"] = ComponentYaml.RedisPubSub(),
                // As components/messaging-live.yaml, without its secret reference (no secret store here); DevHost keeps a
                // consumer group per sidecar, which is what the per-replica consumer id gives under daprd.
                ["messaging-live.yaml"] = ComponentYaml.RedisPubSub("messaging-live") + """

                        - name: consumerID
                          value: "{uuid}"
                    """,
            },
            Settings = new Dictionary<string, string>
            {
                ["ConnectionStrings:messaging"] = Database.ConnectionString,
                ["Messaging:Limits:SendsPerWindow"] = "1000",
            },
            ConfigureWebHost = web => web.ConfigureTestServices(s => s.AddSingleton(Tokens.KeySource)),
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>A new published tutor's id.</summary>
    public Guid PublishTutor(string name = "Grace Tutor")
    {
        var id = Guid.NewGuid();
        PublishedTutors[id] = name;
        return id;
    }

    /// <summary>A new booking of <paramref name="studentId"/> with <paramref name="tutorId"/>; returns its id.</summary>
    public Guid Book(Guid studentId, Guid tutorId)
    {
        var id = Guid.NewGuid();
        Bookings[id] = (studentId, tutorId);
        return id;
    }

    /// <summary>A client of <paramref name="userId"/> calling the app (or its replica) directly, as its sidecar would.</summary>
    public HttpClient ClientFor(Guid userId, string role = PlatformRoles.Student, string name = "Ada Student", bool replica = false)
    {
        WebApplicationFactory<Program> app = replica ? Host.Replica(ReplicaAppId) : Host.App;
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(userId, role, name: name));
        return client;
    }

    /// <summary>A student, a published tutor and their conversation (started by the student).</summary>
    public async Task<Pair> StartPairAsync()
    {
        var pair = new Pair(this, Guid.NewGuid(), PublishTutor());
        using var response = await pair.Student.PostAsJsonAsync("/api/conversations", new { tutorId = pair.TutorId });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        pair.ConversationId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return pair;
    }

    public Task<T> WithDbAsync<T>(Func<MessagingDbContext, Task<T>> work) => WithDbAsync(Host.App.Services, work);

    private static async Task<T> WithDbAsync<T>(IServiceProvider services, Func<MessagingDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MessagingDbContext>());
    }

    private void MapTutoring(WebApplication app) => app.MapGet("/api/tutors/{id:guid}", (Guid id) =>
        TutoringDown ? Results.StatusCode(500)
        : PublishedTutors.TryGetValue(id, out var name)
            ? Results.Json(new { tutorId = id, displayName = name, bio = "Algebra", subjects = new[] { "algebra" } })
            : Results.Problem(statusCode: 404, detail: $"Tutor {id} has no profile."));

    /// <summary>Booking's rule for its public read: the caller named by the bearer token (read, not validated: booking's own
    /// validation is booking's tests' subject) sees the booking only if it is its student or tutor.</summary>
    private void MapBooking(WebApplication app) => app.MapGet("/api/bookings/{id:guid}", (Guid id, HttpRequest request) =>
    {
        var authorization = request.Headers.Authorization.ToString();
        BookingCallers.Enqueue(authorization);
        if (BookingDown)
        {
            return Results.StatusCode(500);
        }

        var caller = authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? Guid.Parse(new JsonWebTokenHandler().ReadJsonWebToken(authorization["Bearer ".Length..]).Subject)
            : Guid.Empty;
        return Bookings.TryGetValue(id, out var parties) && (caller == parties.StudentId || caller == parties.TutorId)
            ? Results.Json(new { bookingId = id, parties.StudentId, parties.TutorId, subject = "algebra", status = "confirmed" })
            : Results.Problem(statusCode: 404, detail: $"Booking {id} does not exist.");
    });
}

/// <summary>A student and a tutor with a conversation, each with a client.</summary>
public sealed class Pair(MessagingFixture fx, Guid studentId, Guid tutorId) : IDisposable
{
    public Guid StudentId { get; } = studentId;

    public Guid TutorId { get; } = tutorId;

    public Guid ConversationId { get; set; }

    public HttpClient Student { get; } = fx.ClientFor(studentId, PlatformRoles.Student, "Ada Student");

    public HttpClient Tutor { get; } = fx.ClientFor(tutorId, PlatformRoles.Tutor, "Grace Tutor");

    public async Task<JsonElement> SendAsync(HttpClient from, string text)
    {
        using var response = await from.PostAsJsonAsync($"/api/conversations/{ConversationId}/messages", new { text });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> ReadAsync(HttpClient by, Guid messageId)
    {
        using var response = await by.PatchAsync($"/api/messages/{messageId}/read", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetAsync(HttpClient by, string query = "")
    {
        using var response = await by.GetAsync($"/api/conversations/{ConversationId}{query}");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose()
    {
        Student.Dispose();
        Tutor.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "messaging";
}

/// <summary>The caller's live stream, open once messaging has registered it.</summary>
public static class LiveStream
{
    public static Task<ServerSentEventStream> OpenAsync(HttpClient client) => ServerSentEventStream.OpenAsync(client, "/api/messaging/live", ": connected");
}
