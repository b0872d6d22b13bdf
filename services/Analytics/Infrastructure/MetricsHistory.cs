using DaprPlatform.Analytics.Contracts;
using DaprPlatform.Analytics.Domain;
using DaprPlatform.OutboxInbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>Writes what an actor flush produced to the service database: hourly rollups and newly found anomalies (with their events).</summary>
public sealed class MetricsHistory(AnalyticsDbContext db, Outbox<AnalyticsDbContext> outbox, OwnerPlans plans)
{
    private static readonly (string Kind, Func<MetricCounts, long> Total)[] CounterKinds =
    [
        ("views", c => c.Views),
        ("reactions", c => c.Reactions),
        ("forwards", c => c.Forwards),
        ("posts", c => c.Posts),
        ("joins", c => c.Joins),
        ("leaves", c => c.Leaves),
    ];

    /// <summary>
    /// One transaction: rollups are upserted with the hour's full totals (rewriting an hour is harmless), and an anomaly
    /// is recorded and its event queued only if its (channel, hour) is new, so a flush retried after a failure publishes nothing twice.
    /// Detection runs for every channel (insights list the anomalies), but <c>channel.anomaly</c> — the alert — is published only
    /// when the channel's owner's plan has anomaly alerts.
    /// </summary>
    public async Task RecordAsync(Guid channelId, IReadOnlyList<HourRollup> hours, IReadOnlyList<ViewsAnomaly> anomalies, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(anomalies);
        if (hours.Count == 0 && anomalies.Count == 0)
        {
            return;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token);
            foreach (var hour in hours)
            {
                foreach (var (kind, total) in CounterKinds)
                {
                    await UpsertAsync(channelId, hour.Hour, kind, total(hour.Counts), token);
                }

                if (hour.Subscribers is { } subscribers)
                {
                    await UpsertAsync(channelId, hour.Hour, "subscribers", subscribers, token);
                }
            }

            var alerts = anomalies.Count > 0 && await OwnerHasAnomalyAlertsAsync(channelId, token);
            foreach (var anomaly in anomalies)
            {
                var known = await db.Anomalies.AnyAsync(a => a.ChannelId == channelId && a.Hour == anomaly.Hour, token);
                if (known)
                {
                    continue;
                }

                db.Anomalies.Add(new AnomalyRow
                {
                    ChannelId = channelId,
                    Hour = anomaly.Hour,
                    Views = anomaly.Views,
                    Median = anomaly.Median,
                    Score = anomaly.Score,
                    DetectedAt = anomaly.DetectedAt,
                });
                if (alerts)
                {
                    outbox.Enqueue(ChannelAnomalyDetected.Topic, new ChannelAnomalyDetected(channelId, anomaly.Hour, anomaly.Views, anomaly.Median, anomaly.Score, anomaly.DetectedAt));
                }
            }

            await db.SaveChangesAsync(token);
            await transaction.CommitAsync(token);
        }, ct);
    }

    // A channel analytics has not been told about yet has no owner to entitle: no alert.
    private async Task<bool> OwnerHasAnomalyAlertsAsync(Guid channelId, CancellationToken ct)
    {
        var owner = await db.Channels.AsNoTracking().Where(c => c.Id == channelId && c.OwnerId != Guid.Empty).Select(c => (Guid?)c.OwnerId).SingleOrDefaultAsync(ct);
        return owner is { } ownerId && (await plans.AllowanceAsync(ownerId, ct)).AnomalyAlerts;
    }

    private Task<int> UpsertAsync(Guid channelId, DateTimeOffset hour, string kind, long total, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO hourly_rollups (channel_id, hour, kind, total) VALUES ({channelId}, {hour}, {kind}, {total})
            ON CONFLICT (channel_id, hour, kind) DO UPDATE SET total = EXCLUDED.total
            """,
            ct);
}
