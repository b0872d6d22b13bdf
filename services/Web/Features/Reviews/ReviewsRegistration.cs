using DaprPlatform.Web.Features.Reviews;

// In the DI namespace, as ASP.NET Core's own AddXxx extensions are, so Program.cs registers the area with one line.
namespace Microsoft.Extensions.DependencyInjection;

public static class ReviewsRegistration
{
    /// <summary>The reviews pages' API client.</summary>
    public static IServiceCollection AddReviewFeatures(this IServiceCollection services) => services.AddScoped<ReviewsClient>();
}
