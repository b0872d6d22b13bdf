using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;
using DaprPlatform.Channels.Contracts;
using DaprPlatform.Channels.Domain;
using DaprPlatform.Channels.Infrastructure;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.OutboxInbox;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Channels.Features;

public sealed record MetricBatchRequest(IReadOnlyList<SubmittedSample?>? Samples);

public sealed record MetricBatchAccepted(int Accepted);

/// <summary>Configuration section "Metrics".</summary>
public sealed class MetricIntakeOptions
{
    public const string SectionName = "Metrics";

    public int MaxBatchSize { get; set; } = 1000;
}

/// <summary>
/// POST /api/channels/{id}/metrics — batch intake for collectors (owner or admin). All or nothing: one invalid
/// sample rejects the batch. An accepted batch leaves as one <c>channel.metrics</c> CloudEvent. A paused channel takes
/// no metrics: 402 plan-limit problem, naming the plan that would make room for it again.
/// </summary>
public static class IngestMetrics
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder api) => api.MapPost("/{id:guid}/metrics", HandleAsync).WithName("IngestChannelMetrics");

    public static async Task<Results<Accepted<MetricBatchAccepted>, ValidationProblem, NotFoundProblem, PlanLimitProblem>> HandleAsync(
        Guid id,
        MetricBatchRequest? request,
        ClaimsPrincipal user,
        ChannelsDbContext db,
        Outbox<ChannelsDbContext> outbox,
        OwnerChannelSlots slots,
        IOptions<MetricIntakeOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var channel = await ChannelAccess.FindVisibleAsync(db, id, user, track: false, ct);
        if (channel is null)
        {
            return ChannelAccess.NotFound(id);
        }

        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "A JSON object with samples is required.");
            return errors.ToProblem();
        }

        var problems = MetricBatchRules.Check(request.Samples, Math.Max(1, options.Value.MaxBatchSize), time.GetUtcNow(), out var samples);
        foreach (var (field, message) in problems)
        {
            errors.Add(field, message);
        }

        if (!errors.IsEmpty)
        {
            return errors.ToProblem();
        }

        if (channel.IsPaused)
        {
            var allowance = await slots.AllowanceAsync(channel.OwnerId, ct);
            return new PlanLimitProblem("maxChannels", allowance.Plan, allowance.MaxChannels, allowance.LiftedBy,
                $"Channel {channel.Id} is paused ({channel.PausedReason}) and takes no metrics: {allowance.Describe()}");
        }

        outbox.Enqueue(ChannelMetricsBatch.Topic, MetricsBatch.For(channel.Id, samples));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, new MetricBatchAccepted(samples.Count));
    }
}

public static class MetricsBatch
{
    public static ChannelMetricsBatch For(Guid channelId, IEnumerable<MetricSample> samples) =>
        new(channelId, samples.Select(s => new ChannelMetricSample(s.Id, s.Kind.WireName(), s.Value, s.At)).ToList());
}
