using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Beyond the length ASP.NET Core Identity checks: at most 128 characters, and not built from the e-mail address.</summary>
public sealed class PasswordPolicyValidator : IPasswordValidator<User>
{
    public const int MaximumLength = 128;

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        var errors = new List<IdentityError>();
        if (password is { Length: > MaximumLength })
        {
            errors.Add(new IdentityError { Code = "PasswordTooLong", Description = $"Passwords must be at most {MaximumLength} characters." });
        }
        var localPart = user.Email?.Split('@')[0];
        if (password is not null && localPart is { Length: >= 3 } && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "Passwords must not contain the e-mail address." });
        }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
