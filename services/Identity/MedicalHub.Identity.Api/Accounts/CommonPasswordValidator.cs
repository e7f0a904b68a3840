using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>Refuses the passwords people pick most (about 49,000 of them, shipped with the service; see common-passwords.LICENSE.txt).</summary>
public sealed class CommonPasswordValidator : IPasswordValidator<User>
{
    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    public static int Count => Common.Value.Count;

    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password) =>
        Task.FromResult(password is not null && Common.Value.Contains(password.Trim())
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooCommon", Description = "This password is among the most commonly used: choose another." })
            : IdentityResult.Success);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line);
            }
        }
        return passwords.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }
}
