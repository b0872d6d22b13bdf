using DaprPlatform.Grpc.TaskHub;
using DaprPlatform.Sidecar.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sidecar.Tests.Workflows;

public sealed class WorkflowActivityExecutorTests
{
    private static (WorkflowActivityExecutor Executor, ServiceProvider Services) Create()
    {
        var options = new WorkflowWorkerOptions().RegisterActivity<EchoActivity>().RegisterActivity<FailingActivity>("Charge");
        var services = new ServiceCollection()
            .AddScoped<InvocationScope>()
            .AddTransient<EchoActivity>()
            .AddTransient<FailingActivity>()
            .BuildServiceProvider();
        return (new WorkflowActivityExecutor(services.GetRequiredService<IServiceScopeFactory>(), options), services);
    }

    private static ActivityRequest Request(string name, string? input, int taskId = 3) => new()
    {
        Name = name,
        Input = input,
        TaskId = taskId,
        OrchestrationInstance = new OrchestrationInstance { InstanceId = "wf-1" },
    };

    [Fact]
    public async Task Runs_the_activity_with_its_json_input_and_returns_the_json_result_for_the_task_id()
    {
        var (executor, services) = Create();
        await using var _ = services;

        var response = await executor.ExecuteAsync(Request(nameof(EchoActivity), """{"name":"ada"}"""), CancellationToken.None);

        // Dapr rule: an activity's result is matched by (instanceId, taskId), taskId being the taskScheduled eventId.
        response.InstanceId.Should().Be("wf-1");
        response.TaskId.Should().Be(3);
        response.FailureDetails.Should().BeNull();
        System.Text.Json.JsonSerializer.Deserialize<string>(response.Result)!.Should().StartWith("EchoActivity:wf-1:3:ada:");
    }

    [Fact]
    public async Task Each_invocation_gets_its_own_di_scope()
    {
        var (executor, services) = Create();
        await using var _ = services;

        var first = await executor.ExecuteAsync(Request(nameof(EchoActivity), """{"name":"a"}"""), CancellationToken.None);
        var second = await executor.ExecuteAsync(Request(nameof(EchoActivity), """{"name":"a"}"""), CancellationToken.None);

        first.Result.Split(':')[^1].Should().NotBe(second.Result.Split(':')[^1]);
    }

    [Fact]
    public async Task An_exception_becomes_failure_details_with_its_cause_chain()
    {
        var (executor, services) = Create();
        await using var _ = services;

        var response = await executor.ExecuteAsync(Request("Charge", null), CancellationToken.None);

        response.Result.Should().BeNull();
        response.FailureDetails.ErrorType.Should().Be("System.InvalidOperationException");
        response.FailureDetails.ErrorMessage.Should().Be("could not charge");
        response.FailureDetails.StackTrace.Should().Contain(nameof(FailingActivity));
        response.FailureDetails.InnerFailure.ErrorType.Should().Be("System.TimeoutException");
    }

    [Fact]
    public async Task Unknown_activity_name_is_a_failure_result_not_a_crash()
    {
        var (executor, services) = Create();
        await using var _ = services;

        var response = await executor.ExecuteAsync(Request("Nope", null), CancellationToken.None);

        response.FailureDetails.ErrorType.Should().Be(WorkflowActivityExecutor.ActivityNotRegisteredErrorType);
        response.FailureDetails.ErrorMessage.Should().Contain("'Nope'");
    }

    [Fact]
    public async Task Input_that_is_not_valid_json_for_the_activity_fails_the_task()
    {
        var (executor, services) = Create();
        await using var _ = services;

        var response = await executor.ExecuteAsync(Request(nameof(EchoActivity), "{not json"), CancellationToken.None);

        response.FailureDetails.ErrorType.Should().Be("System.Text.Json.JsonException");
    }
}
