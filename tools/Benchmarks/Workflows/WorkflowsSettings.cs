namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>Parameters of one <c>workflows</c> run.</summary>
/// <param name="Postgres">Admin connection string of the server DevHost keeps its databases on.</param>
/// <param name="Workflows">Measured instances of each shape.</param>
/// <param name="Concurrency">Instances of one shape in flight at once (started and not yet seen completed).</param>
/// <param name="WarmUp">Instances of each shape run before measuring, at the same concurrency.</param>
/// <param name="InstanceTimeout">How long one instance may take before it counts as a failure.</param>
/// <param name="Wait">How completion is observed; <paramref name="PollInterval"/> applies to <see cref="CompletionWait.Poll"/>.</param>
public sealed record WorkflowsSettings(string Postgres, int Workflows, int Concurrency, int WarmUp, TimeSpan InstanceTimeout, CompletionWait Wait, TimeSpan PollInterval, string? Output)
{
    public static WorkflowsSettings Parse(CommandArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new WorkflowsSettings(
            args.Required("--postgres"),
            args.Int("--workflows", 500),
            args.Int("--concurrency", 50, max: 1000),
            args.Int("--warmup", 50, min: 0),
            TimeSpan.FromSeconds(args.Int("--instance-timeout", 120)),
            (args.Value("--wait") ?? "completion") switch
            {
                "completion" => CompletionWait.Completion,
                "poll" => CompletionWait.Poll,
                var other => throw new UsageException($"--wait must be completion or poll; got '{other}'"),
            },
            TimeSpan.FromMilliseconds(args.Int("--poll-ms", 100)),
            args.Value("--out"));
        args.RejectUnknown();
        return settings;
    }
}
