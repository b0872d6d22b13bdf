using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Workflows;

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers the workflows and activities (transient, resolved per turn / per invocation) and the hosted worker that
    /// pulls their work from the sidecar (DAPR_GRPC_ENDPOINT / DAPR_GRPC_PORT, token from DAPR_API_TOKEN).
    /// </summary>
    public static IServiceCollection AddWorkflowWorker(this IServiceCollection services, Action<WorkflowWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(WorkflowWorkerOptions)))
        {
            throw new InvalidOperationException("AddWorkflowWorker was already called; register every workflow and activity in one call.");
        }

        var options = new WorkflowWorkerOptions();
        configure(options);
        options.Validate();
        foreach (var type in options.Workflows.Values.Concat(options.Activities.Values))
        {
            services.TryAddTransient(type);
        }

        services.AddSidecarClient();
        services.AddSingleton(options);
        services.AddSingleton<WorkflowActivityExecutor>();
        services.AddHostedService<WorkflowWorker>();
        return services;
    }

    /// <summary>Registers <see cref="DaprWorkflowClient"/> (the sidecar's workflow management HTTP API) as a typed HttpClient.</summary>
    public static IServiceCollection AddWorkflowClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSidecarClient();
        if (!services.Any(d => d.ServiceType == typeof(DaprWorkflowClient)))
        {
            services.AddHttpClient<DaprWorkflowClient>();
        }

        return services;
    }
}
