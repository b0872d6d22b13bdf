using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace DaprPlatform.Telegram;

public static class TelegramServiceCollectionExtensions
{
    private const string HttpClientName = "telegram";

    /// <summary>
    /// Registers <see cref="ConfiguredTelegramBot"/>: Telegram.Bot's <see cref="ITelegramBotClient"/> for the configured
    /// bot token and base URL over <see cref="IHttpClientFactory"/>, or none without a token. A token or base URL
    /// Telegram.Bot cannot use stops the app at start.
    /// </summary>
    public static IServiceCollection AddTelegramBotClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelegramSettings>()
            .Bind(configuration.GetSection(TelegramSettings.SectionName))
            .Validate(s => !s.HasBotToken || ClientOptions(s) is not null, "telegram:botToken must be <bot id>:<secret> and Telegram:BaseUrl an absolute URL.")
            .ValidateOnStart();
        services.AddHttpClient(HttpClientName, (sp, http) => http.Timeout = sp.GetRequiredService<IOptions<TelegramSettings>>().Value.Timeout)
            // HttpClient's default logging prints request URLs, and the Bot API carries the token in the path.
            .RemoveAllLoggers();
        services.AddTransient(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<TelegramSettings>>().Value;
            return new ConfiguredTelegramBot(settings.HasBotToken
                ? new TelegramBotClient(ClientOptions(settings)!, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName))
                : null);
        });
        return services;
    }

    private static TelegramBotClientOptions? ClientOptions(TelegramSettings settings)
    {
        try
        {
            // RetryThreshold 0: Telegram.Bot would otherwise sleep through flood control (retry_after ≤ 60 s) inside
            // the caller's request or event delivery; the services pass retry_after on instead (TelegramFailure).
            return new TelegramBotClientOptions(settings.BotToken!.Trim(), settings.BaseUrl.ToString()) { RetryThreshold = 0 };
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
