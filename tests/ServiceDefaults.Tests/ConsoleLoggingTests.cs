using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>A person reads the console in Development (one line per event); log collectors read JSON everywhere else.</summary>
public sealed class ConsoleLoggingTests
{
    [Theory]
    [InlineData("Development", ConsoleFormatterNames.Simple)]
    [InlineData("Production", ConsoleFormatterNames.Json)]
    [InlineData("Staging", ConsoleFormatterNames.Json)]
    public async Task The_console_formatter_follows_the_environment(string environment, string formatter)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults("test");
        await using var app = builder.Build();

        app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.Should().Be(formatter);
        app.Services.GetServices<ILoggerProvider>().OfType<ConsoleLoggerProvider>().Should().ContainSingle("one console, whichever its format");
        if (formatter == ConsoleFormatterNames.Simple)
        {
            var simple = app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
            simple.SingleLine.Should().BeTrue();
            simple.IncludeScopes.Should().BeFalse();
        }
    }
}
