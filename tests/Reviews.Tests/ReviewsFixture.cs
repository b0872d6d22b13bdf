using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Reviews.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DaprPlatform.Reviews.Tests;

/// <summary>A fresh database and the reviews app (no sidecar: the outbox keeps its rows) on a hand-moved clock, per test class.</summary>
public sealed class ReviewsFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new("reviews");

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));

    public ServiceFactory<Program, ReviewsDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Factory = new ServiceFactory<Program, ReviewsDbContext>(
            new Dictionary<string, string?> { ["ConnectionStrings:reviews"] = Database.ConnectionString },
            services => services.AddSingleton<TimeProvider>(Clock));
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }

    public Task<RowCounts> CountsAsync() =>
        Database.CountRowsAsync("reviews", "review_flags", "helpful_votes", "reviewable_bookings", "outbox_messages", "inbox_messages");

    /// <summary>
    /// Outbox payloads about one review with their topics, by version (on the fixed test clock several rows share a
    /// creation time, so the outbox's own order cannot tell them apart).
    /// </summary>
    public async Task<List<(string Topic, JsonElement Data)>> EventsAsync(Guid reviewId) =>
        (await Factory.WithDbAsync(db => db.EventsAboutAsync("reviewId", reviewId, topic => topic.StartsWith("review.", StringComparison.Ordinal))))
        .OrderBy(e => e.Data.GetProperty("version").GetInt64())
        .ToList();

    public HttpClient Student(Guid id, string name = "Token Name") => Factory.CreateClientFor(id, PlatformRoles.Student, name);

    public HttpClient Tutor(Guid id) => Factory.CreateClientFor(id, PlatformRoles.Tutor, "Tu Tor");

    public HttpClient Admin() => Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

    public HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>booking.completed as daprd delivers it; returns the app's reply status.</summary>
    public async Task<string> DeliverAsync(string topic, string eventId, object data)
    {
        using var client = Factory.CreateClient();
        using var envelope = CloudEventDelivery.Envelope(eventId, data, topic, source: "booking");
        return await client.DeliverAsync("/events/" + topic.Replace('.', '-'), envelope);
    }

    public static object BookingData(Guid bookingId, Guid studentId, Guid tutorId, string status = "completed", string? previousStatus = "confirmed", string subject = "Algebra") => new
    {
        bookingId,
        studentId,
        studentName = "Stella Student",
        tutorId,
        tutorName = "Tu Tor",
        subject,
        start = DateTimeOffset.UtcNow.AddHours(-2),
        end = DateTimeOffset.UtcNow.AddHours(-1),
        price = new { amount = 4500, currency = "USD" },
        status,
        cancellationReason = (string?)null,
        refund = (object?)null,
        occurredAt = DateTimeOffset.UtcNow,
        previousStatus,
    };

    /// <summary>A completed booking of <paramref name="studentId"/> with <paramref name="tutorId"/>, as booking's event makes it.</summary>
    public async Task<Guid> CompletedBookingAsync(Guid studentId, Guid tutorId)
    {
        var bookingId = Guid.NewGuid();
        (await DeliverAsync("booking.completed", Guid.NewGuid().ToString(), BookingData(bookingId, studentId, tutorId))).Should().Be("SUCCESS");
        return bookingId;
    }

    /// <summary>A review posted by <paramref name="studentId"/> on a fresh completed booking; returns it as the API answered.</summary>
    public async Task<JsonElement> ReviewAsync(Guid studentId, Guid tutorId, int rating = 5, string? comment = "Great lesson")
    {
        var bookingId = await CompletedBookingAsync(studentId, tutorId);
        using var client = Student(studentId);
        return await ExpectAsync(await client.PostAsJsonAsync("/api/reviews", new { bookingId, rating, comment }), 201);
    }

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().Be(status, "the answer was {0}", body);
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }
    }
}
