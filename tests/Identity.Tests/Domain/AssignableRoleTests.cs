using DaprPlatform.Identity.Domain;

namespace DaprPlatform.Identity.Tests.Domain;

public sealed class AssignableRoleTests
{
    [Theory]
    [InlineData("admin", "admin")]
    [InlineData(" Admin ", "admin")]
    [InlineData("student", "student")]
    [InlineData("TUTOR", "tutor")]
    [InlineData("channel-owner", "channel-owner")]
    public void An_admin_may_give_any_platform_role_admin_included(string requested, string expected)
    {
        AssignableRole.TryResolve(requested, out var role, out var error).Should().BeTrue();
        error.Should().BeNull();
        role.Should().Be(expected);
    }

    [Theory]
    [InlineData(null, "Role is required.")]
    [InlineData("   ", "Role is required.")]
    [InlineData("superuser", "Role must be one of: admin, channel-owner, student, tutor.")]
    [InlineData("channel owner", "Role must be one of: admin, channel-owner, student, tutor.")]
    public void Anything_else_is_a_field_error(string? requested, string expected)
    {
        AssignableRole.TryResolve(requested, out _, out var error).Should().BeFalse();
        error.Should().Be(expected);
    }
}
