using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.TestSupport;
using DaprPlatform.Workflows.Dunning;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflows.Tests.Api;

/// <summary>
/// Payments' handle on the dunning saga (/internal/dunning) on the workflows app with its DevHost sidecar: the saga runs in the
/// official SDK's worker against payments and notifications stand-ins, with a 6-second grace and reminders at 0 and 2 seconds.
/// </summary>
[Collection(WorkflowsAppCollection.Name)]
public sealed class DunningSagasApiTests(WorkflowsApp platform)
{
    private (string InstanceId, string SubscriptionId, Guid OwnerId) Arrange(string subscriptionStatus = "past_due")
    {
        var subscriptionId = "sub_" + Guid.NewGuid().ToString("N")[..14];
        var payments = platform.Callees["payments"];
        payments.Routes[$"GET /internal/subscriptions/{subscriptionId}"] = _ => Results.Json(new { subscriptionId, status = subscriptionStatus, plan = "pro" });
        payments.Routes[$"POST /internal/subscriptions/{subscriptionId}/downgrade"] = _ => Results.Json(new { subscriptionId, status = "canceled", plan = "free" });
        platform.Callees["notifications"].Routes["POST /internal/notifications/billing"] = _ => Results.Json(new { duplicate = false });
        return ("dunning-" + Guid.NewGuid().ToString("N"), subscriptionId, Guid.NewGuid());
    }

    private async Task<WorkflowState> EndedAsync(string instanceId) =>
        await Eventually.UntilAsync($"{instanceId} to end",
            async ct => await platform.Workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, ct),
            s => s.Exists && s.RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated,
            TimeSpan.FromSeconds(60), s => s.RuntimeStatus.ToString());

    private IEnumerable<JsonElement> NoticesTo(Guid ownerId) =>
        platform.Callees["notifications"].To("POST", "/internal/notifications/billing")
            .Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(n => n.GetProperty("userId").GetGuid() == ownerId);

    [Fact]
    public async Task Unpaid_the_owner_is_reminded_twice_then_downgraded_through_payments_and_told_and_a_repeat_start_changes_nothing()
    {
        var (instanceId, subscriptionId, ownerId) = Arrange();
        using var payments = platform.Client("payments");
        var request = new { instanceId, subscriptionId, ownerId, invoiceId = "in_1" };

        using var first = await payments.PostAsJsonAsync("/internal/dunning", request);
        using var second = await payments.PostAsJsonAsync("/internal/dunning", request);

        first.StatusCode.Should().Be(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        var started = await first.Content.ReadFromJsonAsync<JsonElement>();
        started.GetProperty("started").GetBoolean().Should().BeTrue();
        var repeat = await second.Content.ReadFromJsonAsync<JsonElement>();
        repeat.GetProperty("started").GetBoolean().Should().BeFalse();
        repeat.GetProperty("graceUntil").GetDateTime().Should().Be(started.GetProperty("graceUntil").GetDateTime());

        var state = await EndedAsync(instanceId);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.ReadOutputAs<DunningOutput>()!.Should().Be(new DunningOutput(DunningOutcomes.Downgraded, 2, 0, 1, null));
        NoticesTo(ownerId).Select(n => n.GetProperty("kind").GetString()).Should().Equal("payment-reminder", "payment-reminder", "plan-downgraded");
        NoticesTo(ownerId).Select(n => n.GetProperty("idempotencyKey").GetString())
            .Should().Equal($"{instanceId}:Reminder1", $"{instanceId}:Reminder2", $"{instanceId}:NotifyDowngraded");
        var downgrade = platform.Callees["payments"].To("POST", $"/internal/subscriptions/{subscriptionId}/downgrade").Should().ContainSingle().Subject;
        downgrade.IdempotencyKey.Should().Be($"{instanceId}:Downgrade");
        downgrade.CallerAppId.Should().Be("workflows");

        using var view = await payments.GetAsync($"/internal/dunning/{instanceId}");
        var body = await view.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("runtimeStatus").GetString().Should().Be("COMPLETED");
        body.GetProperty("progress").GetProperty("step").GetString().Should().Be(DunningSteps.Done);
        body.GetProperty("output").GetProperty("outcome").GetString().Should().Be(DunningOutcomes.Downgraded);
    }

    [Fact]
    public async Task Payment_recovered_during_the_grace_ends_the_saga_with_no_downgrade()
    {
        var (instanceId, subscriptionId, ownerId) = Arrange();
        using var payments = platform.Client("payments");
        using var start = await payments.PostAsJsonAsync("/internal/dunning", new { instanceId, subscriptionId, ownerId, invoiceId = "in_1" });
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        await Eventually.UntilAsync("the first reminder", _ => Task.FromResult(NoticesTo(ownerId).Count()), n => n >= 1, TimeSpan.FromSeconds(30), n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var raised = await payments.PostAsJsonAsync($"/internal/dunning/{instanceId}/payment-recovered", new { invoiceId = "in_1" });

        raised.StatusCode.Should().Be(HttpStatusCode.Accepted, await raised.Content.ReadAsStringAsync());
        var state = await EndedAsync(instanceId);
        state.ReadOutputAs<DunningOutput>()!.Outcome.Should().Be(DunningOutcomes.Recovered);
        NoticesTo(ownerId).Select(n => n.GetProperty("kind").GetString()).Last().Should().Be("payment-received");
        platform.Callees["payments"].To("POST", $"/internal/subscriptions/{subscriptionId}/downgrade").Should().BeEmpty();

        using var late = await payments.PostAsJsonAsync($"/internal/dunning/{instanceId}/payment-recovered", new { invoiceId = "in_1" });
        late.StatusCode.Should().Be(HttpStatusCode.OK, "an ended saga has nothing to stop");
    }

    public static TheoryData<string, string, string, int> BadRequests() => new()
    {
        { "json null", "/internal/dunning", "null", 400 },
        { "nothing", "/internal/dunning", "{}", 400 },
        { "instance id with a slash", "/internal/dunning", """{"instanceId":"a/b","subscriptionId":"sub_1","ownerId":"6f1c1b3e-0000-4000-8000-000000000001","invoiceId":"in_1"}""", 400 },
        { "instance id too long", "/internal/dunning", $$"""{"instanceId":"{{new string('a', 65)}}","subscriptionId":"sub_1","ownerId":"6f1c1b3e-0000-4000-8000-000000000001","invoiceId":"in_1"}""", 400 },
        { "empty owner", "/internal/dunning", """{"instanceId":"dunning-x1","subscriptionId":"sub_1","ownerId":"00000000-0000-0000-0000-000000000000","invoiceId":"in_1"}""", 400 },
        { "no invoice", "/internal/dunning", """{"instanceId":"dunning-x2","subscriptionId":"sub_1","ownerId":"6f1c1b3e-0000-4000-8000-000000000001"}""", 400 },
        { "malformed json", "/internal/dunning", """{"instanceId":""", 400 },
        { "unknown instance", "/internal/dunning/dunning-unknown/payment-recovered", "{}", 404 },
        { "bad instance id", "/internal/dunning/a.b/payment-recovered", "{}", 400 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_are_problems_and_start_nothing(string name, string path, string body, int status)
    {
        using var payments = platform.Client("payments");

        using var response = await payments.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).Should().Be(status, name);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", name);
        (await platform.Workflows.GetWorkflowStateAsync("dunning-x1")).Should().Match<WorkflowState?>(s => s == null || !s.Exists, name);
    }

    [Fact]
    public async Task Only_payments_may_start_or_stop_a_dunning_saga()
    {
        using var booking = platform.Client("booking");

        using var response = await booking.PostAsJsonAsync("/internal/dunning", new { instanceId = "dunning-y", subscriptionId = "sub_1", ownerId = Guid.NewGuid(), invoiceId = "in_1" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
