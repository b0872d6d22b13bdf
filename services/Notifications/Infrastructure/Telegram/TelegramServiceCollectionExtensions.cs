namespace DaprPlatform.Notifications.Infrastructure.Telegram;

public static class TelegramServiceCollectionExtensions
{
    public static IServiceCollection AddTelegramSender(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelegramOptions>().Bind(configuration.GetSection(TelegramOptions.SectionName));
        services.AddHttpClient<ITelegramSender, TelegramBotApiSender>()
            // The default HttpClient logging prints request URLs, and the Bot API puts the token in the path.
            .RemoveAllLoggers();
        return services;
    }
}
