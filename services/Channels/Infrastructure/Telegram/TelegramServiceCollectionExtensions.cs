namespace DaprPlatform.Channels.Infrastructure.Telegram;

public static class TelegramServiceCollectionExtensions
{
    public static IServiceCollection AddTelegramBotApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelegramOptions>().Bind(configuration.GetSection(TelegramOptions.SectionName));
        services.AddHttpClient<TelegramBotApi>()
            // HttpClient's default logging prints request URLs, and the Bot API carries the token in the path.
            .RemoveAllLoggers();
        return services;
    }
}
