namespace DaprPlatform.Grpc.TaskHub;

/// <summary>Full gRPC method paths of <c>TaskHubSidecarService</c>. The .proto has no package, so the service name stands alone.</summary>
public static class TaskHubMethods
{
    public const string Service = "TaskHubSidecarService";
    public const string Hello = "/" + Service + "/Hello";
    public const string StartInstance = "/" + Service + "/StartInstance";
    public const string GetInstance = "/" + Service + "/GetInstance";
    public const string WaitForInstanceStart = "/" + Service + "/WaitForInstanceStart";
    public const string WaitForInstanceCompletion = "/" + Service + "/WaitForInstanceCompletion";
    public const string RaiseEvent = "/" + Service + "/RaiseEvent";
    public const string TerminateInstance = "/" + Service + "/TerminateInstance";
    public const string SuspendInstance = "/" + Service + "/SuspendInstance";
    public const string ResumeInstance = "/" + Service + "/ResumeInstance";
    public const string PurgeInstances = "/" + Service + "/PurgeInstances";
    public const string GetWorkItems = "/" + Service + "/GetWorkItems";
    public const string CompleteActivityTask = "/" + Service + "/CompleteActivityTask";
    public const string CompleteOrchestratorTask = "/" + Service + "/CompleteOrchestratorTask";
}
