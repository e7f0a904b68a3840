using MedicalHub.Data.Tenancy;

namespace MedicalHub.Data.Tests.Tenancy;

/// <summary>Which organization a unit of work acts for (<see cref="OrganizationScope"/>), and when it may change.</summary>
public sealed class OrganizationScopeTests
{
    [Fact]
    public void A_scope_starts_as_the_caller_s_organization_or_none()
    {
        var organization = Guid.CreateVersion7();

        Assert.Equal(organization, new OrganizationScope(organization).OrganizationId);
        Assert.Null(new OrganizationScope(null).OrganizationId);
        Assert.Null(new OrganizationScope(Guid.Empty).OrganizationId);
    }

    [Fact]
    public void A_scope_of_no_organization_may_start_acting_for_one_and_then_only_for_that_one()
    {
        var scope = new OrganizationScope(null);
        var organization = Guid.CreateVersion7();

        scope.ActFor(organization);
        scope.ActFor(organization);

        Assert.Equal(organization, scope.OrganizationId);
        Assert.Throws<OrganizationScopeViolationException>(() => scope.ActFor(Guid.CreateVersion7()));
        Assert.Equal(organization, scope.OrganizationId);
    }

    [Fact]
    public void A_caller_s_scope_cannot_switch_to_another_organization()
    {
        var scope = new OrganizationScope(Guid.CreateVersion7());

        Assert.Throws<OrganizationScopeViolationException>(() => scope.ActFor(Guid.CreateVersion7()));
    }

    [Fact]
    public void Acting_for_no_organization_is_a_bug()
    {
        Assert.Throws<ArgumentException>(() => new OrganizationScope(null).ActFor(Guid.Empty));
    }
}
