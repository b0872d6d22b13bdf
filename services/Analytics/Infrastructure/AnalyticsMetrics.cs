using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>daprplatform.analytics.samples on the meter <see cref="MeterName"/>: samples the ChannelMetrics actors took in, by outcome.</summary>
public sealed class AnalyticsMetrics
{
    public const string MeterName = "DaprPlatform.Analytics";

    private readonly Counter<long> _samples;

    public AnalyticsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _samples = meterFactory.Create(MeterName)
            .CreateCounter<long>("daprplatform.analytics.samples", "{sample}", "Metric samples offered to ChannelMetrics actors, by what the aggregate did with them.");
    }

    /// <summary>One add per non-zero outcome of a batch (the channel id stays off: one series per channel would grow without bound).</summary>
    public void SamplesIngested(int accepted, int duplicates, int tooOld, int inFuture, int invalid)
    {
        Add(accepted, "accepted");
        Add(duplicates, "duplicate");
        Add(tooOld, "too_old");
        Add(inFuture, "in_future");
        Add(invalid, "invalid");
    }

    private void Add(int count, string outcome)
    {
        if (count > 0)
        {
            _samples.Add(count, new TagList { { "daprplatform.outcome", outcome } });
        }
    }
}
