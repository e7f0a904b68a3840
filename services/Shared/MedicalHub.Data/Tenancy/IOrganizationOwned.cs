namespace MedicalHub.Data.Tenancy;

/// <summary>
/// A row that belongs to one organization (tenant). In an <see cref="OrganizationScopedDbContext"/> such rows are only
/// seen and written within their organization's <see cref="OrganizationScope"/>.
/// </summary>
public interface IOrganizationOwned
{
    Guid OrganizationId { get; }
}
