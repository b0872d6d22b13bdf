using Dapr.Client.Autogen.Grpc.v1;
using DaprPlatform.DevHost.Sidecar;
using DaprPlatform.DevHost.Telegram;
using DaprPlatform.DevHost.Workflows;
using Dapr.DurableTask.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Reflection;

namespace DaprPlatform.DevHost.Grpc;

/// <summary>
/// One app's daprGRPCPort, as daprd's API server: the runtime service, TaskHubSidecarService and server reflection (which
/// daprd registers too, and the .NET SDK asks before BulkPublishEvent) on one cleartext HTTP/2 listener, behind one
/// API-token check.
/// </summary>
internal static class SidecarGrpcListener
{
    public static WebApplication Build(SidecarRuntime sidecar, RuntimeGrpcService runtime, WorkflowEngine workflows, ILoggerFactory loggerFactory)
    {
        var app = LoopbackListener.Build(sidecar.App.DaprGrpcPort, loggerFactory, http2Only: true, services: services =>
        {
            services.AddGrpc(o =>
            {
                o.Interceptors.Add<SidecarGrpcInterceptor>(sidecar.ApiToken ?? "");

                // daprd's API server takes messages up to its default max request body size (4 MiB).
                o.MaxReceiveMessageSize = 4 * 1024 * 1024;
                o.EnableDetailedErrors = false;
            });
            services.AddSingleton(runtime);
            services.AddSingleton<IServiceMethodProvider<RuntimeGrpcService>, RuntimeGrpcService.Binder>();
            services.AddSingleton(new TaskHubGrpcService(sidecar.AppId, workflows));
            services.AddSingleton<IServiceMethodProvider<TaskHubGrpcService>, TaskHubGrpcService.Binder>();
            // grpc-go's reflection.Register serves both the v1 and the v1alpha reflection services.
            var described = new[] { DaprReflection.Descriptor.Services[0], OrchestratorServiceReflection.Descriptor.Services[0] };
            services.AddSingleton(new ReflectionV1ServiceImpl([.. described, global::Grpc.Reflection.V1.ServerReflection.Descriptor]));
            services.AddSingleton(new ReflectionServiceImpl([.. described, global::Grpc.Reflection.V1Alpha.ServerReflection.Descriptor]));
        });
        app.MapGrpcService<RuntimeGrpcService>();
        app.MapGrpcService<TaskHubGrpcService>();
        app.MapGrpcService<ReflectionV1ServiceImpl>();
        app.MapGrpcService<ReflectionServiceImpl>();
        return app;
    }
}
