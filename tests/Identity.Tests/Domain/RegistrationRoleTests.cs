using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class RegistrationRoleTests
{
    [Fact]
    public void Defaults_to_student()
    {
        RegistrationRole.TryResolve(null, out var role, out _).Should().BeTrue();
        role.Should().Be("student");
    }

    [Theory]
    [InlineData("student", "student")]
    [InlineData("tutor", "tutor")]
    [InlineData("Channel-Owner", "channel-owner")]
    public void Accepts_self_service_roles(string requested, string expected)
    {
        RegistrationRole.TryResolve(requested, out var role, out var error).Should().BeTrue();
        error.Should().BeNull();
        role.Should().Be(expected);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData(" ADMIN ")]
    public void Never_lets_anyone_register_as_admin(string requested)
    {
        RegistrationRole.TryResolve(requested, out _, out var error).Should().BeFalse();
        error.Should().Contain("admin");
    }

    [Theory]
    [InlineData("")]
    [InlineData("root")]
    [InlineData("teacher")]
    public void Rejects_unknown_roles(string requested)
    {
        RegistrationRole.TryResolve(requested, out _, out var error).Should().BeFalse();
        error.Should().Contain("student, tutor");
    }
}
