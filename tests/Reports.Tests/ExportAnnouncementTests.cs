using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using DaprPlatform.OutboxInbox;
using DaprPlatform.Reports.Contracts;
using DaprPlatform.Reports.Infrastructure;
using DaprPlatform.Reports.Workflow;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Reports.Tests;

/// <summary>
/// Every export that ends is announced once on <c>report.exported</c>, through the outbox in the transaction that ended it:
/// completed and failed alike, and never again when an ending step runs a second time (Dapr runs activities at least once).
/// </summary>
[Collection(ReportsAppCollection.Name)]
public sealed class ExportAnnouncementTests(ReportsApp app)
{
    [Fact]
    public async Task A_completed_export_is_announced_once_with_its_title_format_period_and_size()
    {
        var ownerId = Guid.NewGuid();
        var channelId = app.AddChannel(ownerId, ReportsApp.SteadyHour, "Morning Announcements");
        var (from, to) = app.LastDays(2);
        using var owner = app.Owner(ownerId);

        var id = await ReportsApp.StartExportAsync(owner, channelId, from, to, "pdf");
        var done = await ReportsApp.EndedAsync(owner, id);

        done.GetProperty("status").GetString().Should().Be("completed", done.ToString());
        var announced = (await AnnouncementsOfAsync(id)).Should().ContainSingle().Subject;
        announced.GetProperty("exportId").GetGuid().Should().Be(id);
        announced.GetProperty("ownerId").GetGuid().Should().Be(ownerId);
        announced.GetProperty("channelId").GetGuid().Should().Be(channelId);
        announced.GetProperty("channelTitle").GetString().Should().Be("Morning Announcements");
        announced.GetProperty("format").GetString().Should().Be("pdf");
        announced.GetProperty("periodFrom").GetDateTimeOffset().Should().Be(from);
        announced.GetProperty("periodTo").GetDateTimeOffset().Should().Be(to);
        announced.GetProperty("status").GetString().Should().Be("completed");
        announced.GetProperty("failureReason").ValueKind.Should().Be(JsonValueKind.Null);
        announced.GetProperty("sizeBytes").GetInt64().Should().Be(done.GetProperty("sizeBytes").GetInt64()).And.BeGreaterThan(0);
        announced.GetProperty("occurredAt").GetDateTimeOffset().Should().Be(done.GetProperty("completedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_failed_export_is_announced_once_with_the_reason_the_owner_reads_and_no_size()
    {
        var ownerId = Guid.NewGuid();
        var othersChannel = app.AddChannel(Guid.NewGuid(), ReportsApp.SteadyHour);
        var (from, to) = app.LastDays(1);
        using var owner = app.Owner(ownerId);

        var id = await ReportsApp.StartExportAsync(owner, othersChannel, from, to, "csv");
        var done = await ReportsApp.EndedAsync(owner, id);

        done.GetProperty("status").GetString().Should().Be("failed");
        var announced = (await AnnouncementsOfAsync(id)).Should().ContainSingle().Subject;
        announced.GetProperty("status").GetString().Should().Be("failed");
        announced.GetProperty("format").GetString().Should().Be("csv");
        announced.GetProperty("failureReason").GetString().Should().Be(done.GetProperty("failureReason").GetString()).And.Contain("no longer known to analytics");
        announced.GetProperty("sizeBytes").ValueKind.Should().Be(JsonValueKind.Null);
        announced.GetProperty("channelTitle").ValueKind.Should().Be(JsonValueKind.Null, "analytics never answered a title for a channel that is not the owner's");
    }

    [Fact]
    public async Task An_ending_step_run_again_announces_nothing_more()
    {
        var ownerId = Guid.NewGuid();
        using var owner = app.Owner(ownerId);
        var completed = await ShortCsvExportAsync(owner, app.AddChannel(ownerId, ReportsApp.SteadyHour), "completed");
        var failed = await ShortCsvExportAsync(owner, app.AddChannel(Guid.NewGuid(), ReportsApp.SteadyHour), "failed");

        // What Dapr does after a crash between an activity's commit and its result reaching the engine: the same activity again.
        var scopes = app.Host.App.Services.GetRequiredService<IServiceScopeFactory>();
        var store = new StoreExportActivity(scopes, app.Clock);
        var fail = new FailExportActivity(scopes, app.Clock);
        (await store.RunAsync(new RerunContext(nameof(StoreExportActivity), completed), completed)).Should().BeTrue();
        (await fail.RunAsync(new RerunContext(nameof(FailExportActivity), failed), new ExportFailure(failed, "again"))).Should().BeTrue();
        // Crossed endings: neither turns an ended export into the other ending.
        (await fail.RunAsync(new RerunContext(nameof(FailExportActivity), completed), new ExportFailure(completed, "late"))).Should().BeTrue();

        (await AnnouncementsOfAsync(completed)).Should().ContainSingle().Which.GetProperty("status").GetString().Should().Be("completed");
        (await AnnouncementsOfAsync(failed)).Should().ContainSingle().Which.GetProperty("failureReason").GetString().Should().NotBe("again");
        (await owner.GetFromJsonAsync<JsonElement>($"/api/reports/exports/{completed}")).GetProperty("status").GetString().Should().Be("completed");
    }

    [Fact]
    public async Task Two_endings_read_before_either_saved_cannot_both_end_and_announce_the_export()
    {
        var ownerId = Guid.NewGuid();
        using var owner = app.Owner(ownerId);
        var id = await ShortCsvExportAsync(owner, app.AddChannel(ownerId, ReportsApp.SteadyHour), "completed");
        // Put the export back to where two runs of the store step would both read it: running.
        await app.WithDbAsync(db => db.Exports.Where(e => e.Id == id)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Status, Domain.ExportStatus.Running).SetProperty(e => e.CompletedAt, (DateTimeOffset?)null)));
        await app.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM outbox_messages WHERE topic = {PlatformTopics.ReportExported} AND payload->>'exportId' = {id.ToString()}"));

        await using var first = app.Host.App.Services.CreateAsyncScope();
        await using var second = app.Host.App.Services.CreateAsyncScope();
        var (a, b) = (first.ServiceProvider.GetRequiredService<ReportsDbContext>(), second.ServiceProvider.GetRequiredService<ReportsDbContext>());
        var (exportA, exportB) = (await a.Exports.SingleAsync(e => e.Id == id), await b.Exports.SingleAsync(e => e.Id == id));
        exportA.Complete(10, app.Clock.GetUtcNow()).Should().BeTrue();
        exportB.Complete(10, app.Clock.GetUtcNow()).Should().BeTrue("both read it running");
        first.ServiceProvider.GetRequiredService<Outbox<ReportsDbContext>>().Enqueue(ReportExported.Topic, ReportExported.Of(exportA));
        second.ServiceProvider.GetRequiredService<Outbox<ReportsDbContext>>().Enqueue(ReportExported.Topic, ReportExported.Of(exportB));

        await a.SaveChangesAsync();
        var late = () => b.SaveChangesAsync();

        await late.Should().ThrowAsync<DbUpdateConcurrencyException>("the export's row version moved on under the second");
        (await AnnouncementsOfAsync(id)).Should().ContainSingle();
    }

    /// <summary>A CSV export of the channel's last three hours, run to its end, which must be <paramref name="status"/>.</summary>
    private async Task<Guid> ShortCsvExportAsync(HttpClient owner, Guid channelId, string status)
    {
        var (_, to) = app.LastDays(1);
        var id = await ReportsApp.StartExportAsync(owner, channelId, to.AddHours(-3), to, "csv");
        (await ReportsApp.EndedAsync(owner, id)).GetProperty("status").GetString().Should().Be(status);
        return id;
    }

    private Task<List<JsonElement>> AnnouncementsOfAsync(Guid exportId) => app.AnnouncementsAsync(e => e.GetProperty("exportId").GetGuid() == exportId);

    /// <summary>The context of a second run of an activity for an export (the activities read only their input).</summary>
    private sealed class RerunContext(string activity, Guid exportId) : WorkflowActivityContext
    {
        public override TaskIdentifier Identifier { get; } = new(activity);

        public override string InstanceId { get; } = exportId.ToString();

        public override string TaskExecutionKey { get; } = Guid.NewGuid().ToString();
    }
}
