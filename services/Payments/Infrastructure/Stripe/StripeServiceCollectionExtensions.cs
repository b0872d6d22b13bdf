namespace DaprPlatform.Payments.Infrastructure.Stripe;

public static class StripeServiceCollectionExtensions
{
    public static IServiceCollection AddStripe(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>()
            .Bind(configuration.GetSection(StripeOptions.SectionName))
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Stripe:MaxRetries must be 0..10.")
            .Validate(o => o.WebhookTolerance > TimeSpan.Zero, "Stripe:WebhookTolerance must be positive.")
            .Validate(o => o.MaxWebhookBytes > 0, "Stripe:MaxWebhookBytes must be positive.");
        services.AddSingleton<StripeSignatureVerifier>();
        services.AddHttpClient<StripeApi>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // Each attempt has its own timeout (Stripe:Timeout); the client-wide one would cut the retries short.
            // HttpClient's default logging adds nothing the StripeApi log lines do not say.
            .RemoveAllLoggers();
        return services;
    }
}
