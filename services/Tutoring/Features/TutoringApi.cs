using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Tutoring.Features;

public static class TutoringApi
{
    public static IEndpointRouteBuilder MapTutoringApi(this IEndpointRouteBuilder app)
    {
        // Reads are public (the marketplace); each write endpoint requires a signed-in tutor.
        var tutors = app.MapGroup("/api/tutors").WithTags("Tutors");
        CreateProfile.Map(tutors);
        UpdateProfile.Map(tutors);
        SetAvailability.Map(tutors);
        SetPricing.Map(tutors);
        GetTutor.Map(tutors);
        SearchTutors.Map(tutors);
        GetSlots.Map(tutors);

        // Saga steps: reachable only through a sidecar (dapr-caller-app-id), never through the gateway.
        // Only the booking saga holds, books and releases slots.
        var internalApi = app.MapGroup("/internal").RequireSidecarCaller("workflows");
        PlaceHold.Map(internalApi);
        ChangeHold.Map(internalApi);
        return app;
    }
}
