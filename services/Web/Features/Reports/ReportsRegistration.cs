using DaprPlatform.Web.Features.Reports;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class ReportsRegistration
{
    /// <summary>The reports pages' API client.</summary>
    public static IServiceCollection AddReportFeatures(this IServiceCollection services) => services.AddScoped<ReportsClient>();
}
