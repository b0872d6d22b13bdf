using DaprPlatform.Workflows.ServiceSteps;

namespace DaprPlatform.Workflows.Tests.Sagas;

/// <summary>Which answers stop a saga step (the callee's refusal) and which are retried until the deadline (everything transient).</summary>
public sealed class ServiceStepAnswerTests
{
    [Theory]
    [InlineData(400, """{"title":"The request is invalid.","status":400}""", true)]
    [InlineData(409, """{"detail":"The slot is taken.","status":409}""", true)]
    [InlineData(422, "", true)]
    [InlineData(404, """{"errorCode":"ERR_DIRECT_INVOKE","message":"app id not found"}""", false)]
    [InlineData(403, """{"errorCode":"ERR_PERMISSION_DENIED","message":"access control policy"}""", false)]
    [InlineData(408, """{"title":"Request Timeout"}""", false)]
    [InlineData(429, """{"title":"Too Many Requests"}""", false)]
    [InlineData(500, """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: booking, err: circuit breaker is open"}""", false)]
    [InlineData(503, """{"title":"Workspace provisioning is switched off."}""", false)]
    public void Only_a_4xx_from_the_callee_itself_is_a_refusal(int status, string body, bool refusal) =>
        ServiceStepCall.IsCalleeRefusal(status, body).Should().Be(refusal);
}
