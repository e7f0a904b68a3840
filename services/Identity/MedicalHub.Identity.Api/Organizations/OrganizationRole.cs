using MedicalHub.Security.Claims;

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
            Permissions = [.. PermissionNames.Catalogue.Keys],
        };

        public static readonly OrganizationRole Practitioner = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000002"),
            Name = "Practitioner",
            Permissions = [PermissionNames.UsersRead, PermissionNames.PatientsRead, PermissionNames.PatientsWrite,
                PermissionNames.DocumentsRead, PermissionNames.DocumentsWrite, PermissionNames.DocumentsShare,
                PermissionNames.MessagesSend, PermissionNames.WorkflowsRead, PermissionNames.WorkflowsManage, PermissionNames.TasksRead, PermissionNames.TasksWrite,
                PermissionNames.PatientsInvite],
        };

        public static readonly OrganizationRole Nurse = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000003"),
            Name = "Nurse",
            Permissions = [PermissionNames.UsersRead, PermissionNames.PatientsRead, PermissionNames.PatientsWrite,
                PermissionNames.DocumentsRead, PermissionNames.DocumentsWrite, PermissionNames.DocumentsShare,
                PermissionNames.MessagesSend, PermissionNames.WorkflowsRead, PermissionNames.TasksRead, PermissionNames.TasksWrite, PermissionNames.PatientsInvite],
        };

        public static readonly OrganizationRole Receptionist = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000004"),
            Name = "Receptionist",
            Permissions = [PermissionNames.UsersRead, PermissionNames.PatientsRead, PermissionNames.PatientsWrite,
                PermissionNames.DocumentsRead, PermissionNames.DocumentsWrite, PermissionNames.MessagesSend, PermissionNames.TasksRead, PermissionNames.TasksWrite,
                PermissionNames.PatientsInvite],
        };

        /// <summary>
        /// A patient portal account's role: no permission. Held only by a membership linked to a patient record (given by a
        /// patient invitation, never by a staff invitation or a role change), and the only role such a membership holds.
        /// </summary>
        public static readonly OrganizationRole Patient = new()
        {
            Id = new Guid("0195a000-0000-7000-8000-000000000005"),
            Name = RoleNames.Patient,
            Permissions = [],
        };

        public static readonly IReadOnlyList<OrganizationRole> All = [OrgAdmin, Practitioner, Nurse, Receptionist, Patient];
    }
}
