using DaprPlatform.Reviews.Contracts;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Reviews.Features;

public static class ReviewsApi
{
    /// <summary>Public routes (reached through the gateway) under <c>/api/reviews</c>; a bearer token except for a tutor's list.</summary>
    public static IEndpointRouteBuilder MapReviewsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reviews").RequireAuthorization().WithTags("Reviews");
        PostReview.Map(api);
        ListTutorReviews.Map(api);
        ListMyReviews.Map(api);
        GetBookingReview.Map(api);
        EditReview.Map(api);
        DeleteReview.Map(api);
        FlagReview.Map(api);
        ReplyToReview.Map(api);
        MarkHelpful.Map(api);
        ListModerationQueue.Map(api);
        ModerateReview.Map(api);
        return app;
    }

    /// <summary>booking's events, projected into the reviewable bookings.</summary>
    public static IEndpointRouteBuilder MapBookingSubscriptions(this IEndpointRouteBuilder app)
    {
        app.MapTopic<BookingChanged, BookingEventProjection>("/events/booking-completed", PlatformTopics.Subscription(PlatformTopics.BookingCompleted), (h, e, ct) => h.CompletedAsync(e, ct));
        app.MapTopic<BookingChanged, BookingEventProjection>("/events/booking-cancelled", PlatformTopics.Subscription(PlatformTopics.BookingCancelled), (h, e, ct) => h.CancelledAsync(e, ct));
        return app;
    }
}
