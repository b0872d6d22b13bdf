using System.Text.Json;
using DaprPlatform.Identity.Domain;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Identity.Tests.Infrastructure;

public sealed class ConfiguredAdminsTests
{
    [Fact]
    public void Reads_one_string_of_addresses_an_indexed_list_or_both_in_any_case()
    {
        var admins = Read(new()
        {
            // The secret store's "identity:admins" and Identity__Admins give one string; Identity__Admins__0 … a list.
            ["Identity:Admins"] = " Ada@Example.com, grace@example.com;\n linus@example.com ",
            ["Identity:Admins:0"] = "MARGARET@example.com",
            ["Identity:Admins:1"] = "ken@example.com barbara@example.com",
        });

        admins.Count.Should().Be(6);
        foreach (var email in new[] { "ada@example.com", "grace@example.com", "linus@example.com", "margaret@example.com", "ken@example.com", "barbara@example.com" })
        {
            admins.Lists(email).Should().BeTrue(email);
        }

        admins.Lists("someone@example.com").Should().BeFalse();
    }

    [Fact]
    public void Local_runs_list_the_documented_admin_through_the_secret_store()
    {
        // secretstores.local.file with nestedSeparator ":" turns {"identity": {"admins": …}} into the secret "identity:admins",
        // which start-up loads into configuration under that name; configuration keys ignore case.
        using var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "components", "secrets.dev.json")));
        var flattened = secrets.RootElement.GetProperty("identity").EnumerateObject()
            .ToDictionary(key => $"identity:{key.Name}", key => (string?)key.Value.GetString());

        var admins = Read(flattened);

        admins.Lists("admin@example.com").Should().BeTrue("README tells local users to sign up as admin@example.com to moderate");
        admins.Count.Should().Be(1);
    }

    [Fact]
    public void No_setting_lists_nobody()
    {
        var admins = Read([]);

        admins.Count.Should().Be(0);
        EmailAddress.TryCreate("ada@example.com", out var ada, out _).Should().BeTrue();
        admins.RoleAtRegistration(ada!, "tutor").Should().Be("tutor");
    }

    [Fact]
    public void A_listed_address_registers_as_admin_whatever_role_was_chosen()
    {
        var admins = Read(new() { ["Identity:Admins"] = "ada@example.com" });
        EmailAddress.TryCreate(" ADA@example.com ", out var ada, out _).Should().BeTrue();

        admins.RoleAtRegistration(ada!, "tutor").Should().Be("admin");
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("ada@example.com, @example.com")]
    public void A_malformed_entry_stops_start_up_naming_it(string value)
    {
        var read = () => Read(new() { ["Identity:Admins"] = value });

        read.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("Identity:Admins").And.Contain("is not an e-mail address");
    }

    private static ConfiguredAdmins Read(Dictionary<string, string?> settings) =>
        ConfiguredAdmins.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLogger<ConfiguredAdmins>.Instance);
}
