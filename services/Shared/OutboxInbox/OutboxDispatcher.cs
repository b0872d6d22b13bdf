using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapr.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DaprPlatform.OutboxInbox;

/// <summary>
/// Publishes due outbox rows through the sidecar with the official <see cref="DaprClient"/>, at least once. Rows are claimed with FOR UPDATE SKIP LOCKED,
/// so several replicas can dispatch side by side; a failed publish is retried later with capped, jittered backoff.
/// </summary>
public sealed class OutboxDispatcher<TContext> : BackgroundService
    where TContext : DbContext, IOutboxStore
{
    private const int MaxErrorLength = 2000;

    private readonly IServiceScopeFactory _scopes;
    private readonly OutboxSignal<TContext> _signal;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DaprClient _dapr;
    private readonly OutboxInboxMetrics _metrics;
    private DateTimeOffset _backlogReadAt = DateTimeOffset.MinValue;

    public OutboxDispatcher(
        IServiceScopeFactory scopes,
        DaprClient dapr,
        OutboxSignal<TContext> signal,
        IOptionsMonitor<OutboxOptions> options,
        TimeProvider timeProvider,
        ILogger<OutboxDispatcher<TContext>> logger,
        OutboxInboxMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _scopes = scopes;
        _dapr = dapr;
        _signal = signal;
        _options = options.Get(OptionsName);
        _time = timeProvider;
        _logger = logger;
        _metrics = metrics;
    }

    internal static string OptionsName => typeof(TContext).FullName ?? typeof(TContext).Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var batchWasFull = false;
            try
            {
                batchWasFull = await DispatchDueAsync(stoppingToken) >= _options.BatchSize;
                await RefreshBacklogMetricsAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be briefly unreachable (or not migrated yet); never take the host down.
                _logger.LogWarning(ex, "Outbox dispatch for {Context} failed; retrying in {Interval}", typeof(TContext).Name, _options.PollInterval);
            }

            if (batchWasFull)
            {
                continue;
            }

            try
            {
                await _signal.WaitAsync(_options.PollInterval, _time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Claims one batch of due rows, publishes each and records the outcome. Returns how many rows were claimed.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            db,
            async (_, context, token) => await DispatchBatchAsync(context, token),
            verifySucceeded: null,
            ct);
    }

    /// <summary>
    /// Reads the backlog (one COUNT/MIN over unsent rows) for the outbox gauges, at most once per BacklogMetricsInterval
    /// and only while a meter listener observes them. Observable-gauge callbacks are synchronous and run on the exporter's
    /// thread, so querying there would block collection and let a scrape storm reach the database; this keeps the cost
    /// one cheap query per interval on the dispatcher's own loop. The claim query cannot stand in: it sees only due rows, LIMIT batch.
    /// </summary>
    internal async Task RefreshBacklogMetricsAsync(CancellationToken ct, bool force = false)
    {
        if ((!force && (!_metrics.OutboxBacklogObserved || _time.GetUtcNow() - _backlogReadAt < _options.BacklogMetricsInterval)))
        {
            return;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var backlog = await scope.ServiceProvider.GetRequiredService<TContext>().GetOutboxBacklogAsync(_time, ct);
        _backlogReadAt = _time.GetUtcNow();
        _metrics.OutboxBacklogRead(typeof(TContext).Name, backlog);
    }

    private async Task<int> DispatchBatchAsync(TContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The table name comes from the EF model (quoted), never from input; values are parameters.
        var sql = "SELECT * FROM " + QualifiedTable(db)
            + " WHERE sent_at IS NULL AND next_attempt_at <= {0} ORDER BY created_at LIMIT {1} FOR UPDATE SKIP LOCKED";
        var due = await db.OutboxMessages
            .FromSqlRaw(sql, _time.GetUtcNow(),
                _options.BatchSize)
            .ToListAsync(ct);

        foreach (var message in due)
        {
            await PublishOneAsync(message, ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return due.Count;
    }

    private async Task PublishOneAsync(OutboxMessage message, CancellationToken ct)
    {
        // Same CloudEvent id on every attempt, so consumers' inboxes dedupe a redelivered publish.
        var metadata = new Dictionary<string, string> { ["cloudevent.id"] = message.Id.ToString() };
        if (message.TraceParent is not null)
        {
            metadata["cloudevent.traceparent"] = message.TraceParent;
        }

        using var activity = StartPublishActivity(message);
        activity?.SetTag("messaging.system", "dapr");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("dapr.pubsub.name", message.PubSubName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            // The payload is stored JSON: published as bytes with its content type, so the sidecar embeds it as the
            // CloudEvent's data unchanged (PublishEventAsync would serialize it a second time).
            await _dapr.PublishByteEventAsync(message.PubSubName, message.Topic, Encoding.UTF8.GetBytes(message.Payload),
                "application/json", metadata, timeout.Token);
            message.SentAt = _time.GetUtcNow();
            message.LastError = null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            message.Attempts++;
            var delay = Backoff(message.Attempts);
            message.NextAttemptAt = _time.GetUtcNow() + delay;
            message.LastError = ex.Message.Length > MaxErrorLength ? ex.Message[..MaxErrorLength] : ex.Message;
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _logger.LogWarning(
                "Publishing outbox message {MessageId} to {PubSub}/{Topic} failed (attempt {Attempt}); next try in {Delay}: {Error}",
                message.Id, message.PubSubName, message.Topic, message.Attempts, delay, ex.Message);
        }
    }

    /// <summary>A producer span, child of the request that enqueued the row (its stored traceparent), so the trace runs on to the consumers.</summary>
    private static Activity? StartPublishActivity(OutboxMessage message)
    {
        var name = $"{message.Topic} publish";
        return message.TraceParent is not null && ActivityContext.TryParse(message.TraceParent, traceState: null, isRemote: true, out var parent)
            ? OutboxInboxMetrics.Source.StartActivity(name, ActivityKind.Producer, parent)
            : OutboxInboxMetrics.Source.StartActivity(name, ActivityKind.Producer);
    }

    /// <summary>InitialBackoff · 2^(attempt-1), capped at MaxBackoff, then jittered into [d/2, d] so replicas don't retry in lockstep.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(_options.InitialBackoff.Ticks * Math.Pow(2, exponent), _options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)(ticks / 2 + (Random.Shared.NextDouble() * ticks / 2)));
    }

    private static string QualifiedTable(TContext db)
    {
        var entity = db.Model.FindEntityType(typeof(OutboxMessage))
            ?? throw new InvalidOperationException($"{typeof(TContext).Name} has no OutboxMessage entity; call modelBuilder.ConfigureOutbox().");
        var table = Quote(entity.GetTableName() ?? OutboxInboxSchema.OutboxTable);
        var schema = entity.GetSchema();
        return schema is null ? table : string.Create(CultureInfo.InvariantCulture, $"{Quote(schema)}.{table}");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
