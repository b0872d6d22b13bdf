using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.TestSupport;
using DaprPlatform.Tutoring.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DaprPlatform.Tutoring.Tests.Api;

/// <summary>The tutoring app in-process on its own real Postgres database, with a hand-moved clock.</summary>
public sealed class TutoringFixture : IAsyncLifetime
{
    private ServiceFactory<Program, TutoringDbContext>? _factory;

    public PostgresDatabase Database { get; } = new("tutoring");

    // Near the real time (access tokens are checked against it too), on a whole minute so slot maths stays exact.
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero));

    public ServiceFactory<Program, TutoringDbContext> Factory => _factory ?? throw new InvalidOperationException("Fixture not initialised.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _factory = new ServiceFactory<Program, TutoringDbContext>(
            new Dictionary<string, string?> { ["ConnectionStrings:tutoring"] = Database.ConnectionString },
            services => services.AddSingleton<TimeProvider>(Clock));
        _ = _factory.Server; // starts the host, which applies the migration
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient As(Guid userId, string role, string name = "Test User") => Factory.CreateClientFor(userId, role, name, lifetime: TimeSpan.FromHours(12));

    /// <summary>What a call through the sidecar looks like to the app: daprd stamps the caller's app id.</summary>
    public HttpClient Sidecar() => Factory.CreateAppClient("workflows");

    /// <summary>A count query (the tests build it only from Guids they made).</summary>
    public async Task<long> ScalarAsync(string countSql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(countSql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string> TextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public Task<RowCounts> CountsAsync() => Database.CountRowsAsync("tutors", "slot_holds");

    public static object AllWeek(string start = "00:00", string end = "24:00") =>
        new[] { "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday" }.Select(day => new { day, start, end }).ToArray();

    /// <summary>A new tutor (UTC, available around the clock unless told otherwise) with a profile; returns the id.</summary>
    public async Task<Guid> CreateTutorAsync(
        string timezone = "UTC", object? rules = null, long rate = 6000, string currency = "USD", string[]? subjects = null, string name = "Tess Tutor")
    {
        var tutorId = Guid.NewGuid();
        using var client = As(tutorId, PlatformRoles.Tutor, name);
        using var response = await client.PostAsJsonAsync("/api/tutors/profile", new
        {
            bio = "I teach.",
            subjects = subjects ?? ["math"],
            hourlyRate = new { amount = rate, currency },
            timezone,
            availability = new { rules = rules ?? AllWeek() },
        });
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return tutorId;
    }

    /// <summary>The quarter hour at least <paramref name="ahead"/> from the fixture's now.</summary>
    public DateTimeOffset QuarterHourAhead(TimeSpan ahead)
    {
        var at = Clock.GetUtcNow() + ahead;
        var quarter = TimeSpan.FromMinutes(15).Ticks;
        return new DateTimeOffset((at.UtcTicks + quarter - 1) / quarter * quarter, TimeSpan.Zero);
    }

    public async Task<HttpResponseMessage> HoldAsync(Guid bookingId, Guid tutorId, DateTimeOffset start, int durationMinutes = 60, Guid? studentId = null, int? holdMinutes = null)
    {
        using var client = Sidecar();
        return await client.PostAsJsonAsync("/internal/holds", new { bookingId, tutorId, studentId = studentId ?? StudentOf(bookingId), start, durationMinutes, holdMinutes });
    }

    public async Task<HttpResponseMessage> ChangeHoldAsync(Guid bookingId, string action)
    {
        using var client = Sidecar();
        return await client.PostAsync($"/internal/holds/{bookingId}/{action}", null);
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>A stable student per booking, so a repeated hold call repeats the same student.</summary>
    public static Guid StudentOf(Guid bookingId)
    {
        var bytes = bookingId.ToByteArray();
        bytes[0] ^= 0x5A;
        return new Guid(bytes);
    }
}
