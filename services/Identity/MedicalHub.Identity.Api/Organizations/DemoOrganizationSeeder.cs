using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace MedicalHub.Identity.Api.Organizations;

/// <summary>
/// In Development only: a demo practice with one user per built-in role, all with the password given as
/// <c>MedicalHub:Identity:DemoPassword</c> (the AppHost's generated <c>identity-demo-password</c>
/// parameter, shown in the dashboard). Idempotent; nothing happens without the password.
/// </summary>
internal sealed class DemoOrganizationSeeder(IServiceScopeFactory scopeFactory, IHostEnvironment environment, IConfiguration configuration,
    ILogger<DemoOrganizationSeeder> logger) : IHostedService
{
    public const string Slug = "demo-practice";
    public const string EmailDomain = "demo.medicalhub.local";

    public static readonly IReadOnlyList<(string Email, string GivenName, string FamilyName, OrganizationRole Role)> Users =
    [
        ($"admin@{EmailDomain}", "Lisa", "Cuddy", OrganizationRole.BuiltIn.OrgAdmin),
        ($"doctor@{EmailDomain}", "Gregory", "House", OrganizationRole.BuiltIn.Practitioner),
        ($"nurse@{EmailDomain}", "Brenda", "Previn", OrganizationRole.BuiltIn.Nurse),
        ($"reception@{EmailDomain}", "Jeffrey", "Cole", OrganizationRole.BuiltIn.Receptionist),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var password = configuration["MedicalHub:Identity:DemoPassword"];
        if (!environment.IsDevelopment() || string.IsNullOrEmpty(password))
        {
            return;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        try
        {
            var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Slug == Slug, cancellationToken);
            if (organization is null)
            {
                organization = new Organization { Name = "Demo Practice", Slug = Slug };
                db.Organizations.Add(organization);
                await db.SaveChangesAsync(cancellationToken);
            }

            foreach (var (email, givenName, familyName, role) in Users)
            {
                var user = await users.FindByEmailAsync(email);
                if (user is null)
                {
                    user = new User { UserName = email, Email = email, EmailConfirmed = true, GivenName = givenName, FamilyName = familyName };
                    var created = await users.CreateAsync(user, password);
                    if (!created.Succeeded)
                    {
                        logger.LogWarning("Demo user {Email} not created: {Errors}", email, string.Join("; ", created.Errors.Select(e => e.Description)));
                        continue;
                    }
                }
                else if (!await users.CheckPasswordAsync(user, password))
                {
                    // The parameter was regenerated: the demo users follow it.
                    var token = await users.GeneratePasswordResetTokenAsync(user);
                    await users.ResetPasswordAsync(user, token, password);
                }

                if (!await db.Memberships.AnyAsync(m => m.OrganizationId == organization.Id && m.UserId == user.Id, cancellationToken))
                {
                    db.Memberships.Add(new Membership { OrganizationId = organization.Id, UserId = user.Id, RoleIds = [role.Id] });
                    await db.SaveChangesAsync(cancellationToken);
                }
            }
            logger.LogInformation("Demo practice ready: {Users} (password: the identity-demo-password parameter)", string.Join(", ", Users.Select(u => u.Email)));
        }
        catch (DbUpdateException ex)
        {
            logger.LogInformation(ex, "Another replica is seeding the demo practice");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
