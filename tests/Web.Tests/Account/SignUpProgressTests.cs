using Bunit;
using DaprPlatform.Web.Features.Account;

namespace DaprPlatform.Web.Tests.Account;

public sealed class SignUpProgressTests : WebComponentContext
{
    private const string Instance = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";

    [Fact]
    public void Shows_the_sagas_steps_as_they_change_and_the_reason_when_it_fails()
    {
        Answer("workflows", "GET", $"api/onboarding/{Instance}", 200,
            $$"""{"instanceId":"{{Instance}}","status":"RUNNING","step":"SetDefaultNotificationPreferences"}""");

        var page = Render<SignUpProgress>(p => p.Add(x => x.InstanceId, Instance));

        page.WaitForAssertion(() => page.FindAll("li.saga-step").Select(li => li.ClassList.Last()).Should().Equal("done", "done", "running", "waiting"), Patience);
        page.Find("li.running").GetAttribute("aria-current").Should().Be("step");

        Answer("workflows", "GET", $"api/onboarding/{Instance}", 200,
            $$"""{"instanceId":"{{Instance}}","status":"FAILED","step":"Compensated","failedStep":"SetDefaultNotificationPreferences","error":"Notifications did not answer; the account was removed."}""");

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("Notifications did not answer; the account was removed."), Patience);
        page.FindAll("li.saga-step").Select(li => li.ClassList.Last()).Should().Equal("undone", "undone", "failed", "stopped");
    }

    [Fact]
    public void An_unknown_instance_says_so_instead_of_waiting_forever()
    {
        Answer("workflows", "GET", $"api/onboarding/{Instance}", 404, """{"title":"Not Found","status":404,"detail":"No onboarding 0b1c."}""");

        var page = Render<SignUpProgress>(p => p.Add(x => x.InstanceId, Instance));

        page.WaitForAssertion(() => page.Find("[role=alert]").TextContent.Should().Contain("No onboarding 0b1c."), Patience);
        var calls = CallsTo("workflows").Count;
        Thread.Sleep(1600);
        CallsTo("workflows").Count.Should().Be(calls, "a 404 ends the polling");
    }
}
