using DaprPlatform.Web.Features.Tutor;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class TutorRegistration
{
    /// <summary>The tutor pages' clients for tutoring and booking, and for payments' payouts.</summary>
    public static IServiceCollection AddTutorFeatures(this IServiceCollection services) =>
        services.AddScoped<TutorApi>().AddScoped<PayoutsApi>();
}
