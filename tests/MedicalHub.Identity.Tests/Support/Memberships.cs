using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Organizations;

namespace MedicalHub.Identity.Tests.Support;

/// <summary>Every user of a test belongs to one organization, its home.</summary>
public sealed class Memberships : IMembershipDirectory
{
    public Guid HomeOrganizationId { get; } = Guid.CreateVersion7();

    public Task<List<ActiveMembership>> ActiveAsync(Guid userId, CancellationToken ct) =>
        Task.FromResult<List<ActiveMembership>>([new(new Membership { OrganizationId = HomeOrganizationId, UserId = userId }, [], null)]);

    public Task<(User User, List<ActiveMembership> Memberships)?> UserWithActiveAsync(Guid userId, CancellationToken ct) =>
        throw new NotSupportedException("The sign-in checks do not refresh tokens.");

    public Task<Guid?> HomeOrganizationAsync(Guid userId, CancellationToken ct) => Task.FromResult<Guid?>(HomeOrganizationId);
}
