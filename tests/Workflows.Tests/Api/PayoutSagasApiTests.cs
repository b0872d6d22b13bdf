using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.TestSupport;
using DaprPlatform.Workflows.Payouts;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflows.Tests.Api;

/// <summary>
/// Payments' on-demand payout (/internal/payouts/on-demand) on the workflows app with its DevHost sidecar: the TutorPayout saga
/// runs in the official SDK's worker against a payments stand-in, once per tutor and period however often it is asked for.
/// </summary>
[Collection(WorkflowsAppCollection.Name)]
public sealed class PayoutSagasApiTests(WorkflowsApp platform)
{
    private static readonly ConcurrentDictionary<Guid, Guid> PayoutOf = new();

    private Guid Arrange(string transferStatus = "completed")
    {
        var tutorId = Guid.NewGuid();
        var payoutId = PayoutOf.GetOrAdd(tutorId, _ => Guid.NewGuid());
        var payments = platform.Callees["payments"];
        payments.Routes["POST /internal/payouts"] = r =>
        {
            var tutor = JsonDocument.Parse(r.Body).RootElement.GetProperty("tutorId").GetGuid();
            return Results.Json(Payout(PayoutOf.GetOrAdd(tutor, _ => Guid.NewGuid()), "pending"), statusCode: 201);
        };
        payments.Routes[$"POST /internal/payouts/{payoutId}/transfer"] = _ => Results.Json(Payout(payoutId, transferStatus, transferStatus == "completed" ? "tr_1" : null));
        return tutorId;
    }

    private static object Payout(Guid payoutId, string status, string? transferId = null) => new
    {
        payoutId,
        status,
        amount = new { amount = 8925, currency = "USD" },
        transferId,
        failureReason = status == "failed" ? "balance_insufficient: no funds" : null,
    };

    private async Task<WorkflowState> EndedAsync(string instanceId) =>
        await Eventually.UntilAsync($"{instanceId} to end",
            async ct => await platform.Workflows.GetWorkflowStateAsync(instanceId, getInputsAndOutputs: true, ct),
            s => s.Exists && s.RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed or WorkflowRuntimeStatus.Terminated,
            TimeSpan.FromSeconds(60), s => s.RuntimeStatus.ToString());

    [Fact]
    public async Task An_on_demand_payout_runs_the_current_period_s_saga_once_and_transfers_through_payments()
    {
        var tutorId = Arrange();
        using var payments = platform.Client("payments");

        using var first = await payments.PostAsJsonAsync("/internal/payouts/on-demand", new { tutorId });
        using var second = await payments.PostAsJsonAsync("/internal/payouts/on-demand", new { tutorId });

        first.StatusCode.Should().Be(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        var started = await first.Content.ReadFromJsonAsync<JsonElement>();
        started.GetProperty("started").GetBoolean().Should().BeTrue();
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("started").GetBoolean().Should().BeFalse("a period runs once");
        var instanceId = started.GetProperty("instanceId").GetString()!;
        instanceId.Should().StartWith($"payout-{tutorId:N}-");
        var state = await EndedAsync(instanceId);
        state.RuntimeStatus.Should().Be(WorkflowRuntimeStatus.Completed);
        state.ReadOutputAs<TutorPayoutOutput>()!.Should().Be(new TutorPayoutOutput(PayoutOf[tutorId], PayoutOutcomes.Completed, 8925, "tr_1", null));
        var callee = platform.Callees["payments"];
        var open = callee.To("POST", "/internal/payouts").Single(r => r.Body.Contains(tutorId.ToString(), StringComparison.Ordinal));
        open.IdempotencyKey.Should().Be($"{instanceId}:OpenPayout");
        open.CallerAppId.Should().Be("workflows");
        var period = JsonDocument.Parse(open.Body).RootElement;
        (period.GetProperty("periodEnd").GetDateTimeOffset() - period.GetProperty("periodStart").GetDateTimeOffset()).Should().Be(TimeSpan.FromDays(7));
        period.GetProperty("periodStart").GetDateTimeOffset().Should().Be(started.GetProperty("periodStart").GetDateTimeOffset());
        callee.To("POST", $"/internal/payouts/{PayoutOf[tutorId]}/transfer").Should().ContainSingle().Which.IdempotencyKey.Should().Be($"{instanceId}:TransferPayout");
    }

    [Fact]
    public async Task A_refused_transfer_ends_the_saga_with_the_failed_payout()
    {
        var tutorId = Arrange(transferStatus: "failed");
        using var payments = platform.Client("payments");

        using var response = await payments.PostAsJsonAsync("/internal/payouts/on-demand", new { tutorId });

        var state = await EndedAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instanceId").GetString()!);
        var output = state.ReadOutputAs<TutorPayoutOutput>()!;
        output.Outcome.Should().Be(PayoutOutcomes.Failed);
        output.Reason.Should().StartWith("balance_insufficient");
    }

    public static TheoryData<string, string, int> BadOnDemand() => new()
    {
        { "json null", "null", 400 },
        { "no tutor", "{}", 400 },
        { "empty tutor", """{"tutorId":"00000000-0000-0000-0000-000000000000"}""", 400 },
        { "tutor not a guid", """{"tutorId":"t-1"}""", 400 },
        { "malformed json", """{"tutorId":""", 400 },
    };

    [Theory]
    [MemberData(nameof(BadOnDemand))]
    public async Task Bad_on_demand_requests_are_problems_and_start_nothing(string name, string body, int status)
    {
        using var payments = platform.Client("payments");
        var before = platform.Callees["payments"].To("POST", "/internal/payouts").Count();

        using var response = await payments.PostAsync("/internal/payouts/on-demand", new StringContent(body, Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).Should().Be(status, name);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", name);
        platform.Callees["payments"].To("POST", "/internal/payouts").Count().Should().Be(before, name);
    }

    [Fact]
    public async Task Only_payments_may_ask_for_an_on_demand_payout()
    {
        using var booking = platform.Client("booking");

        using var response = await booking.PostAsJsonAsync("/internal/payouts/on-demand", new { tutorId = Guid.NewGuid() });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_payout_calendar_is_running_from_the_app_s_start()
    {
        var state = await Eventually.UntilAsync("the payout calendar to run",
            async ct => await platform.Workflows.GetWorkflowStateAsync(PayoutCalendarWorkflow.InstanceId, getInputsAndOutputs: true, ct),
            s => s.Exists && s.RuntimeStatus == WorkflowRuntimeStatus.Running,
            TimeSpan.FromSeconds(60), s => s.RuntimeStatus.ToString());

        var input = state.ReadInputAs<PayoutCalendarInput>()!;
        input.PeriodSeconds.Should().Be((long)TimeSpan.FromDays(7).TotalSeconds);
        input.NextPeriodEnd.Should().BeAfter(DateTime.UtcNow);
    }
}
