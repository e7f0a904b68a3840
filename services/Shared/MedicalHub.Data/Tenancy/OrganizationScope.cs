namespace MedicalHub.Data.Tenancy;

/// <summary>
/// The organization whose data the current unit of work (a request, a background job's step) sees and writes; one per
/// DI scope. It starts as the caller's organization (the access token's <c>org_id</c>), or none: an anonymous request,
/// a service's client-credentials token or a background job sees no organization's rows until it names one with
/// <see cref="ActFor"/>.
/// </summary>
public sealed class OrganizationScope(Guid? callerOrganizationId)
{
    /// <summary>The organization this scope is for; null: none, so organization-owned rows are invisible.</summary>
    public Guid? OrganizationId { get; private set; } = callerOrganizationId is { } id && id != Guid.Empty ? id : null;

    /// <summary>
    /// Acts for <paramref name="organizationId"/> from now on in this scope: a service calling on behalf of an
    /// organization, or a job processing one organization's row that it found with
    /// <see cref="OrganizationScopeQueryExtensions.AcrossOrganizations{T}"/>. A scope already acting for another
    /// organization (a user's request) cannot switch.
    /// </summary>
    public void ActFor(Guid organizationId)
    {
        if (organizationId == Guid.Empty)
        {
            throw new ArgumentException("An organization id, not Guid.Empty.", nameof(organizationId));
        }
        if (OrganizationId is { } current && current != organizationId)
        {
            throw new OrganizationScopeViolationException(
                $"This scope acts for organization {current}; it cannot act for {organizationId} as well.");
        }
        OrganizationId = organizationId;
    }
}

/// <summary>Code tried to cross organizations where it may not: a bug, never the caller's fault.</summary>
public sealed class OrganizationScopeViolationException(string message) : InvalidOperationException(message);
