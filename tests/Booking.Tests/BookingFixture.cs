using System.Text;
using System.Text.Json;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Booking.Tests;

/// <summary>A fresh database, a fake sidecar and the booking app, per test class.</summary>
public sealed class BookingFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new("booking");

    public FakeSidecar Sidecar { get; private set; } = null!;

    public ServiceFactory<Program, BookingDbContext> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Sidecar = await FakeSidecar.StartAsync(recordBodies: true);
        Sidecar.Handler = context => DefaultReply(context.Request.Method, context.Request.Path.Value ?? "/").WriteToAsync(context);

        // The booking app reaches workflows through its own sidecar (the SDK reads DAPR_HTTP_ENDPOINT): here, the fake.
        Factory = new ServiceFactory<Program, BookingDbContext>(new Dictionary<string, string?> { ["ConnectionStrings:booking"] = Database.ConnectionString })
        {
            Sidecar = Sidecar.Endpoint,
        };
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Invocations of the workflows app's <paramref name="path"/> the booking app sent its sidecar.</summary>
    public IReadOnlyList<SidecarRequest> WorkflowsInvocations(string method, string path) => Sidecar.InvocationsOf("workflows", method, path);

    public Task<RowCounts> CountsAsync() => Database.CountRowsAsync("bookings", "outbox_messages");

    /// <summary>Outbox payloads for one booking, oldest first, with their topics.</summary>
    public Task<List<(string Topic, JsonElement Data)>> EventsAsync(Guid bookingId) =>
        Factory.WithDbAsync(db => db.EventsAboutAsync("bookingId", bookingId));

    public HttpClient Student(Guid id, string name = "Stu Dent") => Factory.CreateClientFor(id, PlatformRoles.Student, name);

    public HttpClient Tutor(Guid id) => Factory.CreateClientFor(id, PlatformRoles.Tutor, "Tu Tor");

    public HttpClient Admin() => Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

    /// <summary>A client that looks like an invocation arriving from the workflows app's sidecar.</summary>
    public HttpClient Saga() => Factory.CreateAppClient("workflows");

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    /// <summary>A session on a quarter hour, <paramref name="fromNow"/> ahead (rounded down to the quarter).</summary>
    public static DateTimeOffset QuarterHour(TimeSpan fromNow)
    {
        var at = DateTimeOffset.UtcNow.Add(fromNow);
        return new DateTimeOffset(at.UtcTicks - (at.UtcTicks % TimeSpan.FromMinutes(15).Ticks), TimeSpan.Zero);
    }

    public static object CreateBody(
        Guid bookingId, Guid studentId, Guid tutorId, DateTimeOffset start, int minutes = 60, long amount = 4500, string currency = "USD") => new
    {
        bookingId,
        workflowInstanceId = $"booking-{bookingId:N}",
        studentId,
        studentName = "Stu Dent",
        tutorId,
        tutorName = "Tu Tor",
        subject = "Algebra",
        start,
        end = start.AddMinutes(minutes),
        price = new { amount, currency },
    };

    /// <summary>Creates a booking through the saga's step and moves it on to <paramref name="status"/> the way the saga does.</summary>
    public async Task<JsonElement> SeedAsync(
        Guid studentId, Guid tutorId, DateTimeOffset start, string status = "pending", int minutes = 60, long amount = 4500, string currency = "USD")
    {
        var bookingId = Guid.NewGuid();
        using var saga = Saga();
        var booking = await ExpectAsync(await saga.PostAsync("/internal/bookings", Json(CreateBody(bookingId, studentId, tutorId, start, minutes, amount, currency))), 201);
        string[] path = status switch
        {
            "pending" => [],
            "awaitingPayment" => ["awaiting-payment"],
            "confirmed" => ["awaiting-payment", "confirm"],
            "cancelled" => ["cancel"],
            "refunded" => ["awaiting-payment", "confirm", "refund"],
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Seed supports pending, awaitingPayment, confirmed, cancelled, refunded."),
        };
        foreach (var step in path)
        {
            using var response = step switch
            {
                "awaiting-payment" => await saga.PostAsync($"/internal/bookings/{bookingId}/awaiting-payment", Json(new { paymentId = Guid.NewGuid(), paymentIntentId = "pi_" + bookingId.ToString("N") })),
                "confirm" => await saga.PostAsync($"/internal/bookings/{bookingId}/confirm", null),
                "cancel" => await saga.PostAsync($"/internal/bookings/{bookingId}/cancel", Json(new { reason = "payment failed" })),
                _ => await saga.PostAsync($"/internal/bookings/{bookingId}/cancel", Json(new { reason = "student cancelled", refund = new { amount = 100, currency } })),
            };
            booking = await ExpectAsync(response, 200);
        }

        booking.GetProperty("status").GetString().Should().Be(status);
        return booking;
    }

    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(status, "the answer was {0}", body);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Without a responder: invocations of workflows answer 202 {}, publishes and health 204, anything else 500.</summary>
    private static SidecarReply DefaultReply(string method, string path) => path switch
    {
        _ when path.StartsWith("/v1.0/invoke/workflows/method/", StringComparison.Ordinal) && method == "POST" => new SidecarReply(202, "{}"),
        _ when path.StartsWith("/v1.0/publish/", StringComparison.Ordinal) => new SidecarReply(204),
        _ when path.StartsWith("/v1.0/healthz", StringComparison.Ordinal) => new SidecarReply(204),
        _ => new SidecarReply(500, """{"errorCode":"ERR_UNEXPECTED","message":"the test did not expect this call"}"""),
    };
}
