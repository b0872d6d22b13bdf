using System.Net;
using System.Net.Http.Json;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Messaging.Infrastructure;

/// <summary>What tutoring's public profile says of a tutor: enough to name them in a conversation.</summary>
public sealed record PublishedTutor(Guid TutorId, string DisplayName);

/// <summary>The answer to "is this a published tutor?": the tutor, not published, or tutoring could not say.</summary>
public sealed record TutorLookup(PublishedTutor? Tutor, bool Unavailable);

/// <summary>Asks tutoring, through this app's sidecar, for a tutor's public profile (GET /api/tutors/{id}).</summary>
public sealed class TutoringApp(AppInvocationClients invocation)
{
    public const string AppId = "tutoring";

    public async Task<TutorLookup> FindPublishedAsync(Guid tutorId, CancellationToken ct)
    {
        try
        {
            using var response = await invocation.For(AppId).GetAsync($"api/tutors/{tutorId}", ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new TutorLookup(null, Unavailable: false);
            }

            if (!response.IsSuccessStatusCode)
            {
                return new TutorLookup(null, Unavailable: true);
            }

            var profile = await response.Content.ReadFromJsonAsync<PublishedTutor>(ct);
            return profile is { DisplayName.Length: > 0 } && profile.TutorId == tutorId
                ? new TutorLookup(profile, Unavailable: false)
                : new TutorLookup(null, Unavailable: true);
        }
        catch (HttpRequestException)
        {
            return new TutorLookup(null, Unavailable: true);
        }
        catch (System.Text.Json.JsonException)
        {
            return new TutorLookup(null, Unavailable: true);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient's own timeout, not the caller going away.
            return new TutorLookup(null, Unavailable: true);
        }
    }
}
