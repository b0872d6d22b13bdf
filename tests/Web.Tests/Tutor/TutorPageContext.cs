using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Tutor;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Tutor;

/// <summary>The tutor pages over the fake sidecar, signed in as a tutor, with tutoring's profile JSON at hand.</summary>
public abstract class TutorPageContext : WebComponentContext
{
    protected TutorPageContext()
    {
        Services.AddTutorFeatures().AddReviewFeatures().AddMessagingFeatures();
    }

    protected Guid TutorId { get; private set; }

    protected void SignInAsTutor() => TutorId = SignIn(PlatformRoles.Tutor, "Ada Tutor");

    /// <summary>Tutoring's answer for the signed-in tutor's profile, as <c>GET /api/tutors/{id}</c> and every write return it.</summary>
    protected string ProfileJson(string rules = "", string timezone = "America/New_York", string rate = """{"amount":4000,"currency":"USD"}""") =>
        $$"""
        {"tutorId":"{{TutorId}}","displayName":"Ada Tutor","bio":"Algebra, patiently.","subjects":["algebra","geometry"],
         "hourlyRate":{{rate}},"timezone":"{{timezone}}","availability":{"rules":[{{rules}}]},"rating":null,
         "createdAt":"2026-12-01T10:00:00+00:00","updatedAt":"2026-12-01T10:00:00+00:00"}
        """;

    protected void AnswerProfile(string json) => Answer("tutoring", "GET", $"api/tutors/{TutorId}", 200, json);

    protected void AnswerNoProfile() =>
        Answer("tutoring", "GET", $"api/tutors/{TutorId}", 404, $$"""{"title":"Not Found","status":404,"detail":"Tutor {{TutorId}} has no profile."}""");
}
