using System.Text.RegularExpressions;
using DaprPlatform.Web.Infrastructure.Services;

namespace DaprPlatform.Web.Features.Channels;

/// <summary>What a person types to name a channel, made into what the channels app takes.</summary>
public static partial class ChannelName
{
    /// <summary>"my_channel" means "@my_channel"; numbers (chat ids) and anything else go as typed, for the service to judge.</summary>
    public static string Normalize(string? typed)
    {
        var text = typed?.Trim() ?? "";
        return BareUsername().IsMatch(text) ? "@" + text : text;
    }

    /// <summary>A 409 says it next to the field, in words a person expects, with the service's own detail kept.</summary>
    public static ApiProblem AlreadyRegistered(ApiProblem conflict)
    {
        ArgumentNullException.ThrowIfNull(conflict);
        var message = conflict.Detail ?? "This channel is already registered.";
        return new ApiProblem(
            conflict.Status,
            "This channel is already registered",
            "A channel can be registered once; if it is yours, it is in the list below.",
            new Dictionary<string, string[]> { ["telegram"] = [message] });
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex BareUsername();
}
