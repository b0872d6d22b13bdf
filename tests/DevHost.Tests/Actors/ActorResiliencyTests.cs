using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Xunit;

namespace DaprPlatform.DevHost.Tests.Actors;

/// <summary>Resiliency spec.targets.actors.&lt;type&gt; (resiliency-schema): timeout and retry on actor invocations.</summary>
public sealed class ActorResiliencyTests : IAsyncLifetime
{
    private const string Resiliency = """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: actors
        spec:
          policies:
            timeouts:
              short: 300ms
            retries:
              twice:
                policy: constant
                duration: 100ms
                maxRetries: 2
          targets:
            actors:
              Flaky:
                retry: twice
              Slow:
                timeout: short
        """;

    private ActorHarness _h = null!;

    public async Task InitializeAsync()
        => _h = await ActorHarness.StartAsync("""{"entities":["Flaky","Slow"]}""", components: new Dictionary<string, string> { ["resiliency.yaml"] = Resiliency });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_retry_policy_repeats_failed_callbacks_and_a_timeout_policy_bounds_them()
    {
        var attempts = 0;
        _h.Host.Handler = async call =>
        {
            if (call.Path.StartsWith("/actors/Slow/", StringComparison.Ordinal))
            {
                await Task.Delay(2000);
                return ActorAppReply.Ok;
            }

            return Interlocked.Increment(ref attempts) <= 2 ? new ActorAppReply(500, """{"boom":true}""") : new ActorAppReply(200, """{"third":true}""");
        };

        // retry "twice": two failed callbacks are retried, the third attempt's 200 reaches the caller.
        using var flaky = await _h.CallerSidecar.PostAsync("/v1.0/actors/Flaky/1/method/go", ActorHarness.Json("{}"));
        flaky.StatusCode.Should().Be(HttpStatusCode.OK);
        (await flaky.Content.ReadAsStringAsync()).Should().Be("""{"third":true}""");
        _h.Host.To("/actors/Flaky/1/method/go").Should().HaveCount(3);

        // timeout "short" (300ms): a slower actor fails with 500 ERR_ACTOR_INVOKE_METHOD long before it answers.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var slow = await _h.CallerSidecar.PostAsync("/v1.0/actors/Slow/1/method/go", ActorHarness.Json("{}"));
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(1500));
        slow.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await ActorHarness.ErrorOf(slow)).Code.Should().Be("ERR_ACTOR_INVOKE_METHOD");
    }
}
