using Bunit;
using Bunit.TestDoubles;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Web.Features.Bookings;
using DaprPlatform.Web.Features.Messaging;
using DaprPlatform.Web.Features.Tutors;
using DaprPlatform.Web.Tests.Bookings;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Web.Tests.Messaging;

/// <summary>"Message this tutor" on the tutor's page and the booking page: start-or-open, then the conversation.</summary>
public sealed class StartConversationTests : MessagingContext
{
    private static readonly Guid Opened = Guid.NewGuid();

    private static string Profile() =>
        $$"""{"tutorId":"{{TutorId}}","displayName":"Tess Tutor","bio":"Patient maths tutor.","subjects":["algebra"],"hourlyRate":{"amount":4000,"currency":"USD"},"timezone":"Europe/Berlin","availability":{"rules":[]},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}""";

    [Fact]
    public void A_student_on_a_tutors_page_opens_their_conversation_with_the_tutor()
    {
        SignInStudent();
        Answer("tutoring", "GET", $"api/tutors/{TutorId}", 200, Profile());
        Answer(App, "POST", "api/conversations", 200, Conversation(Opened, Me));

        var page = Render<TutorPage>(p => p.Add(x => x.TutorId, TutorId));
        page.WaitForAssertion(() => page.FindAll(".message-button button").Should().ContainSingle(), Patience);
        page.Find(".message-button button").TextContent.Should().Be("Message this tutor");
        // The page re-renders as its slots and reviews arrive; a click retried on a fresh find meets the current handler.
        page.WaitForAssertion(() => page.Find(".message-button button").Click(), Patience);

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith($"/messages/{Opened}"), Patience);
        var sent = BodiesSent("POST", "/api/conversations").Single();
        sent.GetProperty("tutorId").GetGuid().Should().Be(TutorId);
        sent.GetProperty("bookingId").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public void Visitors_and_tutors_get_no_message_button()
    {
        SetRendererInfo(new RendererInfo("Server", true));
        SignIn(PlatformRoles.Tutor, "Tom Tutor");
        Answer("tutoring", "GET", $"api/tutors/{TutorId}", 200, Profile());

        var page = Render<TutorPage>(p => p.Add(x => x.TutorId, TutorId));

        page.WaitForAssertion(() => page.Find("h1").TextContent.Should().Be("Tess Tutor"), Patience);
        page.FindAll(".message-button").Should().BeEmpty("only students start conversations");
    }

    [Fact]
    public void The_booking_page_opens_the_conversation_with_its_tutor_naming_the_booking()
    {
        SignInStudent();
        var booking = Guid.NewGuid();
        Answer("booking", "GET", $"api/bookings/{booking}/saga", 200, StudentJson.Saga(booking, "COMPLETED", "Confirmed", outcome: "confirmed"));
        Answer("booking", "GET", $"api/bookings/{booking}", 200, StudentJson.Booking(booking, BookingStatuses.Confirmed));
        Answer(App, "POST", "api/conversations", 201, Conversation(Opened, Me));

        var page = Render<BookingPage>(p => p.Add(x => x.BookingId, booking));
        page.WaitForAssertion(() => page.Find(".message-button button").TextContent.Should().Be("Message Tess Tutor"), Patience);
        Interact(() => page.Find(".message-button button").Click());

        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith($"/messages/{Opened}"), Patience);
        var sent = BodiesSent("POST", "/api/conversations").Single();
        sent.GetProperty("tutorId").GetGuid().Should().Be(StudentJson.Tutor);
        sent.GetProperty("bookingId").GetGuid().Should().Be(booking);
    }

    [Fact]
    public async Task From_a_booking_the_conversation_remembers_the_booking_and_a_refusal_is_shown()
    {
        SignInStudent();
        var booking = Guid.NewGuid();
        Answer(App, "POST", "api/conversations", 422, Problem(422, "Unprocessable", "Tutor has no published profile.", ("tutorId", "No published tutor has this id.")));

        var button = Render<MessageButton>(p => p.Add(x => x.TutorId, TutorId).Add(x => x.BookingId, booking).Add(x => x.Text, "Message Tess Tutor"));
        button.Find("button").TextContent.Should().Be("Message Tess Tutor");
        await button.Find("button").ClickAsync();

        button.WaitForAssertion(() => button.Find(".problem").TextContent.Should().Contain("No published tutor has this id."), Patience);
        BodiesSent("POST", "/api/conversations").Single().GetProperty("bookingId").GetGuid().Should().Be(booking);
        Services.GetRequiredService<NavigationManager>().Uri.Should().NotContain("/messages/");
    }
}
