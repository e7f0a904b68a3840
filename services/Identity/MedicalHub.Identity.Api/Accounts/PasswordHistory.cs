using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Accounts;

/// <summary>A password a user had: its hash, kept so the last few cannot be chosen again.</summary>
public sealed class PreviousPassword
{
    public long Id { get; init; }

    public required Guid UserId { get; init; }

    public required string PasswordHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Refuses a password equal to one of the user's last <see cref="Remembered"/> passwords (the current one included).</summary>
public sealed class PasswordHistoryValidator(IdentityServiceDbContext db, IPasswordHasher<User> hasher) : IPasswordValidator<User>
{
    public const int Remembered = 5;

    public async Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        if (password is null)
        {
            return IdentityResult.Success;
        }
        var recent = await db.PreviousPasswords.Where(p => p.UserId == user.Id).OrderByDescending(p => p.Id).Take(Remembered)
            .Select(p => p.PasswordHash).ToListAsync();
        if (user.PasswordHash is not null)
        {
            recent.Add(user.PasswordHash);
        }
        return recent.Any(hash => hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed)
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordReused", Description = $"Choose a password different from your last {Remembered}." })
            : IdentityResult.Success;
    }

    /// <summary>Remembers the user's password as it now is (call after it was set), keeping only the last few.</summary>
    public static async Task RememberAsync(IdentityServiceDbContext db, User user, CancellationToken ct)
    {
        db.PreviousPasswords.Add(new PreviousPassword { UserId = user.Id, PasswordHash = user.PasswordHash! });
        await db.SaveChangesAsync(ct);
        var keep = await db.PreviousPasswords.Where(p => p.UserId == user.Id).OrderByDescending(p => p.Id).Take(Remembered).Select(p => p.Id).ToListAsync(ct);
        await db.PreviousPasswords.Where(p => p.UserId == user.Id && !keep.Contains(p.Id)).ExecuteDeleteAsync(ct);
    }
}
