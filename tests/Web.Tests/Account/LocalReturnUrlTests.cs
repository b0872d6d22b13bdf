using DaprPlatform.Web.Features.Account;

namespace DaprPlatform.Web.Tests.Account;

public sealed class LocalReturnUrlTests
{
    [Theory]
    [InlineData("/channels/1", "/channels/1")]
    [InlineData("/", "/")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/redirect?to=https://evil.example", "/")]
    [InlineData("channels", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void Only_paths_of_this_site_are_followed(string? returnUrl, string expected) =>
        LocalReturnUrl.Or(returnUrl, "/").Should().Be(expected);
}
