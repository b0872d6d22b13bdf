using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DaprPlatform.EndToEnd.Tests.Browser;

/// <summary>Sign up through the onboarding saga, sign in and out, profile and password — in a real browser against the platform.</summary>
[Collection(PlatformCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class AccountJourneyTests(PlatformFixture platform)
{
    [Fact]
    public Task Sign_up_follows_the_onboarding_saga_live_and_ends_signed_in() =>
        BrowserJourney.RunAsync(platform, "sign-up", async page =>
        {
            var email = $"grace.{Guid.NewGuid():N}@example.com";
            await page.GotoAsync("/");
            await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
            await Expect(page).ToHaveTitleAsync("Create an account · DaprPlatform");

            // A bad password is refused by identity; the message sits next to the field and nothing is created.
            await page.GetByLabel("Your name").FillAsync("Grace Hopper");
            await page.GetByLabel("Email").FillAsync(email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync("short");
            await page.GetByLabel("watch my Telegram channels").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
            await Expect(page.Locator("#password-error")).ToContainTextAsync("10");
            await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");

            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserJourney.Password);
            await page.GetByLabel("watch my Telegram channels").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

            await Expect(page).ToHaveURLAsync(SignUpProgressUrl());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Setting up your account" })).ToBeVisibleAsync();
            // The steps show while the saga runs; a quick saga may already have signed the person in (the steps' rendering
            // itself is covered by Web.Tests), so either is progress here.
            await Expect(page.GetByText("Create your account")
                .Or(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Grace Hopper" }))).ToBeVisibleAsync();

            // Once the saga completes the page signs the person in by itself.
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Grace Hopper" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "My channels" })).ToBeVisibleAsync();

            // The session lives in an HTTP-only, secure, strict same-site cookie; scripts see no cookie and no token.
            var cookies = await page.Context.CookiesAsync();
            var session = cookies.Should().ContainSingle(c => c.Name == "__Host-daprplatform").Subject;
            session.HttpOnly.Should().BeTrue();
            session.Secure.Should().BeTrue();
            session.SameSite.Should().Be(SameSiteAttribute.Strict);
            (await page.EvaluateAsync<string>("document.cookie")).Should().BeEmpty();
            (await page.ContentAsync()).Should().NotContain("eyJ", "no token is ever sent to the browser");
        });

    [Fact]
    public Task Sign_in_profile_name_and_password_change_then_sign_out() =>
        BrowserJourney.RunAsync(platform, "account", async page =>
        {
            var user = await BrowserJourney.CreateUserAsync(platform, "student", "Ada Student");

            // Wrong password: a clear message, still on the sign-in page.
            await page.GotoAsync("/account/sign-in");
            await page.GetByLabel("Email").FillAsync(user.Email);
            await page.GetByLabel("Password").FillAsync("not the password 1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The email or password is incorrect.");

            await BrowserJourney.SignInAsync(page, user);
            var response = await page.GotoAsync("/account/profile");
            response!.Headers["content-security-policy"].Should().Contain("default-src 'self'");
            response.Headers["x-frame-options"].Should().Be("DENY");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Profile" })).ToBeVisibleAsync();
            await Expect(page.GetByText(user.Email)).ToBeVisibleAsync();

            await page.GetByLabel("Name shown to others").FillAsync("Ada Lovelace");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save name" }).ClickAsync();
            await Expect(page.Locator(".account-name")).ToHaveTextAsync("Ada Lovelace");

            // A too-short new password: the field's own message; the session goes on.
            await page.GetByLabel("Current password").FillAsync(user.Password);
            await page.GetByLabel("New password").FillAsync("short");
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.Locator("#newPassword-error")).ToBeVisibleAsync();

            const string newPassword = "a brand new passphrase 2";
            await page.GetByLabel("New password").FillAsync(newPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.GetByText("Your password was changed")).ToBeVisibleAsync();

            await BrowserJourney.SignInAsync(page, user with { DisplayName = "Ada Lovelace" }, newPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Banner).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

            // Signed out means signed out: a page that needs the session sends the person to sign in.
            await page.GotoAsync("/account/profile");
            await Expect(page).ToHaveURLAsync(SignInUrl());
        });

    [Fact]
    public Task At_phone_width_a_person_signs_in_with_the_keyboard_alone() =>
        BrowserJourney.RunAsync(platform, "phone-keyboard", async page =>
        {
            var user = await BrowserJourney.CreateUserAsync(platform, "channel-owner", "Kim Keyboard");
            await page.GotoAsync("/account/sign-in");
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);

            // The form's fields are reached in order with Tab and Enter submits.
            await page.GetByLabel("Email").FocusAsync();
            await page.Keyboard.TypeAsync(user.Email);
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByLabel("Password")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(user.Password);
            await page.Keyboard.PressAsync("Enter");

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Kim Keyboard" })).ToBeVisibleAsync();
            await BrowserJourney.ExpectNoSidewaysScrollAsync(page);
            await Expect(page).ToHaveTitleAsync("DaprPlatform");
        }, width: 390);

    [GeneratedRegex("/account/sign-up/[0-9a-f]{32}$")]
    private static partial Regex SignUpProgressUrl();

    [GeneratedRegex("/account/sign-in")]
    private static partial Regex SignInUrl();
}
