using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.TestSupport;

namespace DaprPlatform.Payments.Tests;

/// <summary>POST /api/payouts/initiate: a tutor with an enabled account asks the workflows app (through the sidecar) for the current period's saga now.</summary>
public sealed class InitiatePayoutTests(PayoutsFixture fx) : IClassFixture<PayoutsFixture>
{
    [Fact]
    public async Task A_tutor_with_an_enabled_account_starts_the_period_s_saga_through_the_sidecar()
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        using var tutor = fx.Tutor(tutorId);

        using var response = await tutor.PostAsync("/api/payouts/initiate", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        started.GetProperty("instanceId").GetString().Should().Be("payout-x-20261130000000");
        started.GetProperty("started").GetBoolean().Should().BeTrue();
        var call = fx.Sidecar.InvocationsOf("workflows", "POST", "internal/payouts/on-demand").Last();
        JsonDocument.Parse(call.Body).RootElement.GetProperty("tutorId").GetGuid().Should().Be(tutorId);
    }

    [Fact]
    public async Task Without_an_enabled_account_it_is_409_and_nothing_is_started()
    {
        var pending = Guid.NewGuid();
        await fx.ConnectAsync(pending, onboard: false);
        var before = fx.Sidecar.InvocationsOf("workflows", "POST", "internal/payouts/on-demand").Count;

        foreach (var tutorId in new[] { pending, Guid.NewGuid() })
        {
            using var tutor = fx.Tutor(tutorId);
            using var response = await tutor.PostAsync("/api/payouts/initiate", null);
            response.StatusCode.Should().Be(HttpStatusCode.Conflict);
            (await response.ReadProblemAsync()).GetProperty("status").GetInt32().Should().Be(409);
        }

        fx.Sidecar.InvocationsOf("workflows", "POST", "internal/payouts/on-demand").Count.Should().Be(before);
    }

    [Fact]
    public async Task Only_tutors_initiate_payouts()
    {
        using var student = fx.Factory.CreateClientFor(Guid.NewGuid(), DaprPlatform.ServiceDefaults.PlatformRoles.Student);
        using var anonymous = fx.Factory.CreateClient();

        using var byStudent = await student.PostAsync("/api/payouts/initiate", null);
        using var unsigned = await anonymous.PostAsync("/api/payouts/initiate", null);

        byStudent.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Workflows_unavailable_is_503_to_try_again()
    {
        var tutorId = Guid.NewGuid();
        await fx.ConnectAsync(tutorId);
        fx.Sidecar.Respond(r => r.Path.EndsWith("/internal/payouts/on-demand", StringComparison.Ordinal) && r.Body.Contains(tutorId.ToString(), StringComparison.Ordinal)
            ? new SidecarReply(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"app workflows not found"}""")
            : null);
        using var tutor = fx.Tutor(tutorId);

        using var response = await tutor.PostAsync("/api/payouts/initiate", null);

        ((int)response.StatusCode).Should().BeOneOf(502, 503);
        (await response.ReadProblemAsync()).GetProperty("status").GetInt32().Should().BeOneOf(502, 503);
    }
}
