using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>What tutoring's public profile says of a tutor: enough to name them in a conversation.</summary>
public sealed record PublishedTutor(Guid TutorId, string DisplayName);

/// <summary>Asks tutoring, through this app's sidecar, for a tutor's public profile (GET /api/tutors/{id}).</summary>
public sealed class TutoringApp(AppInvocationClients invocation)
{
    public const string AppId = "tutoring";

    public async Task<AppLookup<PublishedTutor>> FindPublishedAsync(Guid tutorId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/tutors/{tutorId}");
        return await AppLookups.GetAsync<PublishedTutor>(invocation.For(AppId), request, profile => profile is { DisplayName.Length: > 0 } && profile.TutorId == tutorId, ct);
    }
}
