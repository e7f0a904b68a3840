namespace MedicalHub.Identity.Api.Organizations;

/// <summary>A named set of permissions. Built-in roles belong to no organization; custom roles to one.</summary>
public sealed class OrganizationRole
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Null for the built-in roles every organization has.</summary>
    public Guid? OrganizationId { get; init; }

    public required string Name { get; set; }

    public required string[] Permissions { get; set; }

    public static class BuiltIn
    {
        public static readonly OrganizationRole OrgAdmin = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000001"),
            Name = "OrgAdmin",
            Permissions = [.. Organizations.Permissions.Catalogue.Keys],
        };

        public static readonly OrganizationRole Practitioner = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000002"),
            Name = "Practitioner",
            Permissions = [Organizations.Permissions.UsersRead, Organizations.Permissions.DocumentsRead, Organizations.Permissions.DocumentsWrite, Organizations.Permissions.DocumentsShare,
                Organizations.Permissions.MessagesSend, Organizations.Permissions.WorkflowsRead, Organizations.Permissions.WorkflowsManage],
        };

        public static readonly OrganizationRole Nurse = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000003"),
            Name = "Nurse",
            Permissions = [Organizations.Permissions.UsersRead, Organizations.Permissions.DocumentsRead, Organizations.Permissions.DocumentsWrite,
                Organizations.Permissions.MessagesSend, Organizations.Permissions.WorkflowsRead],
        };

        public static readonly OrganizationRole Receptionist = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000004"),
            Name = "Receptionist",
            Permissions = [Organizations.Permissions.UsersRead, Organizations.Permissions.DocumentsRead, Organizations.Permissions.MessagesSend],
        };

        public static readonly IReadOnlyList<OrganizationRole> All = [OrgAdmin, Practitioner, Nurse, Receptionist];
    }
}
