using DaprPlatform.Web.Features.Plans;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class PlansRegistration
{
    /// <summary>The plans page's API client.</summary>
    public static IServiceCollection AddPlanFeatures(this IServiceCollection services) => services.AddScoped<PlansClient>();
}
