namespace MedicalHub.Identity.Api.Organizations;

/// <summary>A role as the organization endpoints show it: built-in (every organization's) or custom, with its permissions.</summary>
public sealed record RoleView(Guid Id, string Name, bool BuiltIn, string[] Permissions)
{
    public static RoleView Of(OrganizationRole role) => new(role.Id, role.Name, role.OrganizationId is null, role.Permissions);
}
