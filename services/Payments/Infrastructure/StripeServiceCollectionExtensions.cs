using Microsoft.Extensions.Options;
using Stripe;

namespace DaprPlatform.Payments.Infrastructure;

public static class StripeServiceCollectionExtensions
{
    /// <summary>
    /// One <see cref="StripeClient"/> for the app: the secret key and <c>ApiBase</c> from configuration (Stripe's own, or
    /// DevHost's stand-in when it sets <c>Stripe__BaseUrl</c>), Stripe.net's retries and pinned API version. Without a
    /// key its <see cref="StripeClient.ApiKey"/> is null and the Stripe routes answer 503.
    /// </summary>
    public static IServiceCollection AddStripe(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StripeOptions>()
            .Bind(configuration.GetSection(StripeOptions.SectionName))
            .Validate(o => o.MaxRetries is >= 0 and <= 10, "Stripe:MaxRetries must be 0..10.")
            .Validate(o => o.Timeout > TimeSpan.Zero, "Stripe:Timeout must be positive.")
            .Validate(o => o.WebhookTolerance > TimeSpan.Zero, "Stripe:WebhookTolerance must be positive.")
            .Validate(o => o.MaxWebhookBytes > 0, "Stripe:MaxWebhookBytes must be positive.");
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            // Lives as long as the app; pooled connections are renewed so a DNS change of the API host is picked up.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = settings.Timeout };
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = settings.IsConfigured ? settings.SecretKey!.Trim() : null,
                ApiBase = settings.BaseUrl.ToString().TrimEnd('/'),
                HttpClient = new SystemNetHttpClient(http, settings.MaxRetries),
            });
        });
        return services;
    }
}
