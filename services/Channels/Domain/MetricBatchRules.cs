namespace DaprPlatform.Channels.Domain;

/// <summary>A sample as submitted, before validation; every field may be missing.</summary>
public sealed record SubmittedSample(string? Id, string? Kind, long? Value, DateTimeOffset? At);

/// <summary>
/// Validates a batch of submitted samples as a whole: one bad sample rejects the batch, so a collector never has to
/// work out which part was ingested.
/// </summary>
public static class MetricBatchRules
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <returns>Field errors keyed like <c>samples[3].kind</c>; empty when <paramref name="accepted"/> holds the whole batch.</returns>
    public static IReadOnlyList<(string Field, string Message)> Check(
        IReadOnlyList<SubmittedSample?>? samples, int maxBatchSize, DateTimeOffset now, out IReadOnlyList<MetricSample> accepted)
    {
        var errors = new List<(string, string)>();
        var valid = new List<MetricSample>();
        accepted = [];

        if (samples is null || samples.Count == 0)
        {
            errors.Add(("samples", "samples must contain at least one sample."));
            return errors;
        }

        if (samples.Count > maxBatchSize)
        {
            errors.Add(("samples", $"A batch holds at most {maxBatchSize} samples; this one has {samples.Count}."));
            return errors;
        }

        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            var field = $"samples[{i}]";
            var sample = samples[i];
            if (sample is null)
            {
                errors.Add((field, "A sample must be an object with id, kind, value and at."));
                continue;
            }

            var ok = true;
            if (string.IsNullOrWhiteSpace(sample.Id))
            {
                errors.Add(($"{field}.id", "id is required."));
                ok = false;
            }
            else if (sample.Id.Length > MetricSample.MaxIdLength)
            {
                errors.Add(($"{field}.id", $"id must be at most {MetricSample.MaxIdLength} characters."));
                ok = false;
            }
            else if (!seenIds.Add(sample.Id))
            {
                errors.Add(($"{field}.id", $"id '{sample.Id}' appears more than once in this batch."));
                ok = false;
            }

            if (!MetricKinds.TryParse(sample.Kind, out var kind))
            {
                errors.Add(($"{field}.kind", $"kind must be one of: {string.Join(", ", MetricKinds.WireNames)}."));
                ok = false;
            }

            if (sample.Value is null)
            {
                errors.Add(($"{field}.value", "value is required."));
                ok = false;
            }
            else if (sample.Value < 0)
            {
                errors.Add(($"{field}.value", "value must not be negative."));
                ok = false;
            }

            if (sample.At is null)
            {
                errors.Add(($"{field}.at", "at is required."));
                ok = false;
            }
            else if (sample.At > now + MaxClockSkew)
            {
                errors.Add(($"{field}.at", $"at must not be more than {MaxClockSkew.TotalMinutes:0} minutes in the future."));
                ok = false;
            }

            if (ok)
            {
                valid.Add(new MetricSample(sample.Id!, kind, sample.Value!.Value, sample.At!.Value.ToUniversalTime()));
            }
        }

        if (errors.Count == 0)
        {
            accepted = valid;
        }

        return errors;
    }
}
