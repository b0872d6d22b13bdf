using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Booking.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Booking.Tests;

public sealed record TableCounts(long Bookings, long Outbox);

/// <summary>The booking app in-process on its own real Postgres database, with a stand-in for its sidecar.</summary>
public sealed class BookingFactory(string connectionString, Uri sidecar) : WebApplicationFactory<Program>
{
    public TestAccessTokens Tokens { get; } = new();

    public HttpClient CreateClientFor(Guid userId, string role, string name = "Test User")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Issue(userId, role, name: name));
        return client;
    }

    /// <summary>A client that looks like an invocation arriving from the workflows app's sidecar.</summary>
    public HttpClient CreateSagaClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(SidecarCallerEndpointExtensions.CallerAppIdHeader, "workflows");
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<BookingDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<BookingDbContext>());
    }

    public Task<TableCounts> CountsAsync() => WithDbAsync(async db =>
        new TableCounts(await db.Bookings.LongCountAsync(), await db.OutboxMessages.LongCountAsync()));

    /// <summary>Outbox payloads for one booking, oldest first, with their topics.</summary>
    public Task<List<(string Topic, JsonElement Data)>> EventsAsync(Guid bookingId) => WithDbAsync(async db =>
    {
        var rows = await db.OutboxMessages.AsNoTracking().OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync();
        return rows
            .Select(r => (r.Topic, Data: JsonDocument.Parse(r.Payload).RootElement.Clone()))
            .Where(e => e.Data.GetProperty("bookingId").GetGuid() == bookingId)
            .ToList();
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:booking", connectionString);
        // The booking app reaches workflows through its own sidecar (the SDK reads DAPR_HTTP_ENDPOINT): here, the in-test stand-in.
        builder.UseSetting("DAPR_HTTP_ENDPOINT", sidecar.ToString().TrimEnd('/'));
        // The stand-in serves invocation only; configuration comes from the test, not a secret store.
        builder.UseSetting("Sidecar:SecretStore", "none");
        builder.ConfigureTestServices(services => services.AddSingleton(Tokens.KeySource));
    }
}

/// <summary>A fresh database, the sidecar stand-in and the app, per test class.</summary>
public sealed class BookingFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new("booking");

    public FakeBookingSidecar Sidecar { get; private set; } = null!;

    public BookingFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Sidecar = await FakeBookingSidecar.StartAsync();
        Factory = new BookingFactory(Database.ConnectionString, Sidecar.BaseAddress);
        _ = Factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sidecar.DisposeAsync();
        await Database.DisposeAsync();
    }

    public HttpClient Student(Guid id, string name = "Stu Dent") => Factory.CreateClientFor(id, PlatformRoles.Student, name);

    public HttpClient Tutor(Guid id) => Factory.CreateClientFor(id, PlatformRoles.Tutor, "Tu Tor");

    public HttpClient Admin() => Factory.CreateClientFor(Guid.NewGuid(), PlatformRoles.Admin);

    public HttpClient Saga() => Factory.CreateSagaClient();

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
}
