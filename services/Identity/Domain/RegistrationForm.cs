using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Domain;

/// <summary>The registration fields after the registration rules (email shape, password policy, display name, self-service role).</summary>
public sealed record RegistrationForm(EmailAddress Email, string DisplayName, string Role)
{
    /// <summary>The validated form, or null with every field error collected in <paramref name="errors"/>.</summary>
    public static RegistrationForm? Validate(string? email, string? password, string? displayName, string? role, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!EmailAddress.TryCreate(email, out var address, out var emailError))
        {
            errors.Add("email", emailError!);
        }

        foreach (var problem in PasswordPolicy.Check(password, email))
        {
            errors.Add("password", problem);
        }

        if (!Identity.Domain.DisplayName.TryNormalize(displayName, out var name, out var nameError))
        {
            errors.Add("displayName", nameError!);
        }

        if (!RegistrationRole.TryResolve(role, out var resolvedRole, out var roleError))
        {
            errors.Add("role", roleError!);
        }

        return errors.IsEmpty ? new RegistrationForm(address!, name, resolvedRole) : null;
    }
}
