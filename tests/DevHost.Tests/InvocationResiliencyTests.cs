namespace DaprPlatform.DevHost.Tests;

/// <summary>Resiliency targets.apps.&lt;id&gt;: retries on matching status codes, timeouts and the circuit breaker.</summary>
public sealed class InvocationResiliencyTests : IAsyncLifetime
{
    private readonly int _targetPort = FreeTcpPort.Next();
    private readonly int _callerHttp = FreeTcpPort.Next();
    private TestHost _files = null!;
    private FakeApp _target = null!;
    private HttpClient _caller = null!;

    public async Task InitializeAsync()
    {
        _files = TestHost.Create(new Dictionary<string, string>
        {
            ["dapr.yaml"] = Yaml.RunFile(("caller", FreeTcpPort.Next(), _callerHttp, ""), ("flaky", _targetPort, FreeTcpPort.Next(), "")),
            ["caller/.keep"] = "",
            ["flaky/.keep"] = "",
            ["components/resiliency.yaml"] = """
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: r
                spec:
                  policies:
                    timeouts:
                      short: 300ms
                    retries:
                      three:
                        policy: constant
                        duration: 50ms
                        maxRetries: 3
                        matching:
                          httpStatusCodes: 503
                    circuitBreakers:
                      cb:
                        maxRequests: 1
                        timeout: 30s
                        trip: consecutiveFailures >= 8
                  targets:
                    apps:
                      flaky:
                        timeout: short
                        retry: three
                        circuitBreaker: cb
                """,
        });
        _target = await FakeApp.StartAsync(_targetPort);
        await _files.StartAsync();
        _caller = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_callerHttp}") };
    }

    public async Task DisposeAsync()
    {
        _caller.Dispose();
        await _files.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Fact]
    public async Task Matching_status_codes_are_retried_with_the_body_resent_and_others_are_returned_verbatim()
    {
        var calls = 0;
        _target.Handlers["/flaky"] = r => Interlocked.Increment(ref calls) < 3 ? (503, "busy", "text/plain") : (200, "ok:" + r.BodyText, "text/plain");
        using var ok = await _caller.PostAsync("/v1.0/invoke/flaky/method/flaky", new StringContent("payload"));

        // Retry policy matching.httpStatusCodes 503: two 503s are retried, the third call succeeds with the same body.
        (await ok.Content.ReadAsStringAsync()).Should().Be("ok:payload");
        _target.To("/flaky").Should().HaveCount(3).And.OnlyContain(r => r.BodyText == "payload");

        _target.Handlers["/bad"] = _ => (500, "no", "text/plain");
        using var bad = await _caller.GetAsync("/v1.0/invoke/flaky/method/bad");

        // 500 is not in matching: no retry, the app's response comes back verbatim.
        bad.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await bad.Content.ReadAsStringAsync()).Should().Be("no");
        _target.To("/bad").Should().ContainSingle();
    }

    [Fact]
    public async Task Timeout_policy_ends_a_slow_call_with_ERR_DIRECT_INVOKE()
    {
        _target.Handlers["/slow"] = _ =>
        {
            Thread.Sleep(1500);
            return (200, "late", "text/plain");
        };
        using var response = await _caller.GetAsync("/v1.0/invoke/flaky/method/slow");

        // Timeout 300ms; a timeout is a failure, not retried by a status-code policy, → 500 ERR_DIRECT_INVOKE.
        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(response)).GetProperty("errorCode").GetString().Should().Be("ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task Circuit_breaker_opens_after_consecutive_failures()
    {
        _target.Handlers["/down"] = _ => (503, "down", "text/plain");

        // Each call makes 4 attempts (1 + 3 retries), each a failure; the breaker trips at 8.
        using var first = await _caller.GetAsync("/v1.0/invoke/flaky/method/down");
        using var second = await _caller.GetAsync("/v1.0/invoke/flaky/method/down");
        var attemptsBefore = _target.To("/down").Count;
        using var third = await _caller.GetAsync("/v1.0/invoke/flaky/method/down");

        attemptsBefore.Should().Be(8);
        third.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await SidecarFixture.ErrorOf(third)).GetProperty("message").GetString().Should().Contain("circuit breaker is open");
        _target.To("/down").Count.Should().Be(attemptsBefore, "an open breaker does not call the app");
    }
}
