using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>
/// Messaging in real browsers: a student messages a tutor from the tutor's page while the tutor, signed in at the same
/// time in another browser, watches the unread count and the thread change live; replies, read receipts, edits and
/// deletions travel both ways without reloading; a third person finds nothing at the conversation's address.
/// </summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class MessagingBrowserTests(PlatformFixture platform)
{
    [Fact]
    public Task A_student_and_a_tutor_talk_live_in_two_browsers_and_a_third_person_finds_nothing() =>
        BrowserJourney.RunAsync(platform, "messaging-live", async page =>
        {
            var (tutor, student) = await TutorAndStudentAsync("Mia Messenger");

            // The tutor is signed in first, elsewhere, and stays on the start page.
            var (tutorContext, tutorPage) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using var _ = tutorContext;
            await BrowserJourney.SignInAsync(tutorPage, tutor);
            var tutorMenu = tutorPage.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
            await Expect(tutorMenu.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true })).ToBeVisibleAsync();

            // The student starts the conversation from the tutor's page and sends a first message.
            await BrowserJourney.SignInAsync(page, student);
            await page.GotoAsync($"/tutors/{tutor.Id}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Message this tutor" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(ConversationUrl());
            var conversationUrl = new Uri(page.Url).AbsolutePath;
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = tutor.DisplayName, Level = 1 })).ToBeVisibleAsync();
            await SendAsync(page, "Hello! Could we work on algebra on Tuesday?");

            // The tutor's menu counts it without a reload; the list and the thread show it.
            await Expect(tutorMenu.GetByRole(AriaRole.Link, new() { Name = "Messages, 1 unread" })).ToBeVisibleAsync();
            await tutorMenu.GetByRole(AriaRole.Link, new() { Name = "Messages, 1 unread" }).ClickAsync();
            var inList = tutorPage.GetByRole(AriaRole.Listitem, new() { Name = "Mia Messenger" });
            await Expect(inList).ToContainTextAsync("1 unread");
            await Expect(inList).ToContainTextAsync("Hello! Could we work on algebra on Tuesday?");
            await inList.GetByRole(AriaRole.Link, new() { Name = "Mia Messenger" }).ClickAsync();
            await Expect(tutorPage).ToHaveURLAsync(new Regex(Regex.Escape(conversationUrl) + "$"));
            var tutorThread = tutorPage.GetByRole(AriaRole.Log, new() { Name = "Messages with Mia Messenger" });
            await Expect(tutorThread).ToContainTextAsync("Hello! Could we work on algebra on Tuesday?");
            // Shown is read: the count goes back to none, and the student sees "Seen".
            await Expect(tutorMenu.GetByRole(AriaRole.Link, new() { Name = "Messages", Exact = true })).ToBeVisibleAsync();
            var studentThread = page.GetByRole(AriaRole.Log, new() { Name = $"Messages with {tutor.DisplayName}" });
            await Expect(Item(studentThread, "Hello! Could we work on algebra on Tuesday?")).ToContainTextAsync("Seen");

            // A second message appears in the open thread as it is sent; the tutor's typing shows on the student's side.
            await SendAsync(page, "Around 5 pm, if that suits yoo.");
            await Expect(tutorThread).ToContainTextAsync("Around 5 pm, if that suits yoo.");
            await tutorPage.GetByLabel("Your message").PressSequentiallyAsync("Tues");
            await Expect(page.GetByText($"{tutor.DisplayName} is typing…")).ToBeVisibleAsync();
            await tutorPage.GetByLabel("Your message").FillAsync("Tuesday at 5 works. See you then!");
            await tutorPage.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
            await Expect(Item(studentThread, "Tuesday at 5 works. See you then!")).ToBeVisibleAsync();
            await Expect(Item(studentThread, "Tuesday at 5 works. See you then!")).ToContainTextAsync(tutor.DisplayName);
            await Expect(Item(tutorThread, "Tuesday at 5 works. See you then!")).ToContainTextAsync("Seen");
            await BrowserJourney.ScreenshotAsync(page, "messaging-thread");

            // The student corrects the second message and deletes the first; the tutor sees both as they happen.
            var second = Item(studentThread, "Around 5 pm, if that suits yoo.");
            await second.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
            await page.GetByLabel("Edit your message").FillAsync("Around 5 pm, if that suits you.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(Item(studentThread, "Around 5 pm, if that suits you.")).ToContainTextAsync("(edited)");
            await Expect(Item(tutorThread, "Around 5 pm, if that suits you.")).ToContainTextAsync("(edited)");
            await Expect(tutorThread).Not.ToContainTextAsync("yoo");

            await Item(studentThread, "Hello! Could we work on algebra on Tuesday?").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete message" }).ClickAsync();
            await Expect(studentThread).ToContainTextAsync("This message was deleted.");
            await Expect(tutorThread).ToContainTextAsync("This message was deleted.");
            await Expect(tutorThread).Not.ToContainTextAsync("Hello! Could we work on algebra");

            // Someone else opening the conversation's address learns nothing of it.
            var stranger = await BrowserJourney.CreateUserAsync(platform, "student", "Sid Stranger");
            var (strangerContext, strangerPage) = await BrowserJourney.OpenSecondBrowserAsync(platform);
            await using (strangerContext)
            {
                await BrowserJourney.SignInAsync(strangerPage, stranger);
                await strangerPage.GotoAsync(conversationUrl);
                await Expect(strangerPage.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
                await Expect(strangerPage.GetByText("Tuesday")).ToHaveCountAsync(0);
                await Expect(strangerPage.GetByLabel("Your message")).ToHaveCountAsync(0);
            }
        });

    /// <summary>At a phone's width (390 px), by keyboard only.</summary>
    [Fact]
    public Task At_phone_width_a_student_messages_a_tutor_by_keyboard_and_finds_the_conversation_in_the_list() =>
        BrowserJourney.RunAsync(platform, "messaging-phone-keyboard", async page =>
        {
            var (tutor, student) = await TutorAndStudentAsync("Kai Keyboard");
            await BrowserJourney.SignInAsync(page, student);
            await page.GotoAsync($"/tutors/{tutor.Id}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Message this tutor" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(ConversationUrl());

            await page.GetByLabel("Your message").FocusAsync();
            await page.Keyboard.TypeAsync("Hi! Are you free this week?");
            await Expect(page.GetByText("27 of 4,000 characters")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send" })).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            var thread = page.GetByRole(AriaRole.Log, new() { Name = $"Messages with {tutor.DisplayName}" });
            await Expect(Item(thread, "Hi! Are you free this week?")).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await BrowserJourney.ScreenshotAsync(page, "messaging-phone");

            await page.GetByRole(AriaRole.Link, new() { Name = "All messages" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Messages", Level = 1 })).ToBeVisibleAsync();
            var entry = page.GetByRole(AriaRole.Listitem, new() { Name = tutor.DisplayName });
            await Expect(entry).ToContainTextAsync("You: Hi! Are you free this week?");
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await entry.GetByRole(AriaRole.Link, new() { Name = tutor.DisplayName }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(thread).ToContainTextAsync("Hi! Are you free this week?");
            var conversationUrl = page.Url;

            // Messaging the tutor again opens the same conversation.
            await page.GotoAsync($"/tutors/{tutor.Id}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Message this tutor" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page).ToHaveURLAsync(conversationUrl);
            await Expect(thread).ToContainTextAsync("Hi! Are you free this week?");
        }, width: 390);

    private async Task<(WebUser Tutor, WebUser Student)> TutorAndStudentAsync(string studentName)
    {
        var tutor = await BrowserJourney.CreateUserAsync(platform, "tutor", $"Tia Tutor {Guid.NewGuid().ToString("N")[..6]}");
        await new Marketplace(platform).CreateTutorProfileAsync(new MarketUser(tutor.Id, tutor.AccessToken), hourlyRate: 3000);
        var student = await BrowserJourney.CreateUserAsync(platform, "student", studentName);
        return (tutor, student);
    }

    private static ILocator Item(ILocator thread, string text) => thread.GetByRole(AriaRole.Listitem).Filter(new() { HasText = text });

    private static async Task SendAsync(IPage page, string text)
    {
        await page.GetByLabel("Your message").FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Log).GetByRole(AriaRole.Listitem).Filter(new() { HasText = text })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Your message")).ToHaveValueAsync("");
    }

    [GeneratedRegex("/messages/[0-9a-f-]{36}$")]
    private static partial Regex ConversationUrl();
}
